package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway refuses to start with a client certificate for another identity: the broker would know it by the
 * certificate's CN, and its ACL would refuse every topic of the configured id, so nothing would ever be delivered.
 */
class UplinkTlsStartupTest {

    @TempDir
    Path dir;

    @Test
    void start_certificateForAnotherGateway_failsNamingTheFileAndBothIds() throws Exception {
        Path pki = Path.of("..", "deploy", "broker", "pki.sh").toAbsolutePath();
        Process issue = new ProcessBuilder("bash", "-c", "\"$0\" ca \"$1\" && \"$0\" client \"$1\" gw-other",
                pki.toString(), dir.toString()).redirectErrorStream(true).start();
        issue.getInputStream().transferTo(System.out);
        if (issue.waitFor() != 0) {
            throw new IllegalStateException("pki.sh failed");
        }

        assertThatThrownBy(() -> ApplicationContext.run(Map.of(
                "vitalwire.gateway.id", "gw-mine",
                "vitalwire.gateway.data-dir", dir.toString(),
                "vitalwire.gateway.coap.enabled", "false",
                "vitalwire.gateway.uplink.broker-url", "ssl://127.0.0.1:1",
                "vitalwire.gateway.uplink.ca-file", dir.resolve("ca.pem").toString(),
                "vitalwire.gateway.uplink.cert-file", dir.resolve("gw-other.pem").toString(),
                "vitalwire.gateway.uplink.key-file", dir.resolve("gw-other.key").toString())))
                .rootCause()
                .hasMessageContaining(dir.resolve("gw-other.pem").toString())
                .hasMessageContaining("CN=gw-other").hasMessageContaining("gw-mine");
    }
}
