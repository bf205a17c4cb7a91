package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.testing.TestPki;
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
        TestPki.newCa(dir).client("gw-other");

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
