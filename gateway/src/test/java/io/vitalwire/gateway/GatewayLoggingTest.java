package io.vitalwire.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class GatewayLoggingTest {

    @Test
    void configuresTheConsoleAndQuietsCalifornium_insteadOfAnyFile() {
        LoggerContext context = new LoggerContext();
        GatewayLogging logging = new GatewayLogging();
        logging.setContext(context);

        ExecutionStatus status = logging.configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(root.getAppender("STDOUT")).isInstanceOfSatisfying(ConsoleAppender.class, console -> {
            assertThat(console.isStarted()).isTrue();
            assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(GatewayLogging.PATTERN);
        });
        assertThat(context.getLogger("org.eclipse.californium.scandium").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.vitalwire.gateway.uplink").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void stepsAsideForAConfigurationFileNamedOnTheCommandLine() {
        LoggerContext context = new LoggerContext();
        GatewayLogging logging = new GatewayLogging();
        logging.setContext(context);
        System.setProperty("logback.configurationFile", "elsewhere.xml");
        try {
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }

    @Test
    void isTheConfiguratorLogbackFinds() {
        assertThat(ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class))
                .anyMatch(GatewayLogging.class::isInstance);
    }
}
