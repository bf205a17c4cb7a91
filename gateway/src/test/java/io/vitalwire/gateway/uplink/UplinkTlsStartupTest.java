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
 * certificate's CN and tenant (O), and its ACL would refuse every topic of the configured id and tenant, so nothing
 * would ever be delivered.
 */
class UplinkTlsStartupTest {

    @TempDir
    Path dir;

    @Test
    void start_certificateForAnotherGateway_failsNamingTheFileAndBothIds() throws Exception {
        TestPki.newCa(dir).gateway("gw-other");

        assertThatThrownBy(() -> start("gw-mine", TestPki.TENANT, "gw-other")).rootCause()
                .hasMessageContaining(dir.resolve("gw-other.pem").toString())
                .hasMessageContaining("CN=gw-other").hasMessageContaining("gw-mine");
    }

    @Test
    void start_certificateOfAnotherTenant_failsNamingTheFileAndBothTenants() throws Exception {
        TestPki.newCa(dir).gateway("acme", "gw-mine");

        assertThatThrownBy(() -> start("gw-mine", "beta", "gw-mine")).rootCause()
                .hasMessageContaining(dir.resolve("gw-mine.pem").toString())
                .hasMessageContaining("O=acme").hasMessageContaining("beta");
    }

    /** Starts the gateway as {@code id} of {@code tenant} with the certificate and key issued as {@code issued}. */
    private void start(String id, String tenant, String issued) {
        ApplicationContext.run(Map.of(
                "vitalwire.gateway.id", id,
                "vitalwire.gateway.tenant", tenant,
                "vitalwire.gateway.data-dir", dir.toString(),
                "vitalwire.gateway.coap.enabled", "false",
                "vitalwire.gateway.uplink.broker-url", "ssl://127.0.0.1:1",
                "vitalwire.gateway.uplink.ca-file", dir.resolve("ca.pem").toString(),
                "vitalwire.gateway.uplink.cert-file", dir.resolve(issued + ".pem").toString(),
                "vitalwire.gateway.uplink.key-file", dir.resolve(issued + ".key").toString())).close();
    }
}
