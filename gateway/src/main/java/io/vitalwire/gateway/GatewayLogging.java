package io.vitalwire.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The gateway's logging, configured in code (logback's {@link Configurator} service, which logback-tyler generates
 * from a {@code logback.xml}): one console appender, which systemd's journal collects.
 *
 * <p>Why not a {@code logback.xml}: parsing it loads logback's Joran configurator and the JDK's XML parser — about 370
 * classes, kept in a hub's memory for as long as the gateway runs, to read twelve lines once (BENCHMARKS.md,
 * footprint). A configuration file named by {@code -Dlogback.configurationFile} still wins: this steps aside for it
 * (the simulators name theirs), and for a {@code logback-test.xml}. Levels can also be set in {@code application.yml}
 * ({@code logger.levels.*}), as in any Micronaut application.
 *
 * <p>Logs name devices by alias ({@code identity/DeviceAliases}), never by address, serial or key; nor values or
 * patients.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class GatewayLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || GatewayLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        // Californium logs every DTLS handshake and exchange at INFO: a home's devices would fill the journal.
        context.getLogger("org.eclipse.californium").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
