package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code deploy/gateway} installs on a hub works together: {@code appcds.sh} trains a class-data sharing archive
 * from the built jar, and the gateway started with the installed JVM options and that archive — {@code -Xshare:on},
 * so a rejected archive fails the start instead of being skipped — connects over mutual TLS and delivers readings.
 */
class GatewayPackageIT {

    private static final Path APPCDS = Path.of("..", "deploy", "gateway", "appcds.sh");
    private static final Path JAR = Path.of("..", "gateway", "target", "gateway.jar");

    @TempDir
    Path dir;

    @Test
    void appCdsArchive_fromTheInstallScript_startsTheGatewayWithTheInstalledOptions() throws Exception {
        Path archive = dir.resolve("appcds.jsa");
        Process training = new ProcessBuilder(APPCDS.toString(), JAR.toString(), archive.toString(),
                FaultGateway.JVM_OPTIONS.toString()).redirectErrorStream(true).start();
        String output = new String(training.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(training.waitFor()).as(output).isZero();
        assertThat(archive).isNotEmptyFile();

        try (FaultScenario scenario = FaultScenario.start(dir, "gw-package", Map.of(),
                List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"))) {
            try (ReadingStream stream = scenario.stream()) {
                stream.awaitAccepted(20, Duration.ofSeconds(30));
                stream.close();
                scenario.assertEveryReadingArrives(stream.accepted());
            }
        }
    }
}
