package io.vitalwire.gateway.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway refuses to start when a file holding one of its secrets may be read by group or others (issue 14,
 * point 7): the buffer key, the CoAP devices' PSK file, the uplink's TLS private key and the device alias key. The
 * error names the file and its mode, never what it holds; with the same files at 0600 it starts.
 */
class SharedSecretFilesStartupTest {

    /** What each secret file holds here: must never appear in the error. */
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k');

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"buffer.key", "coap-devices.psk", "gw-1.key", GatewayAliases.KEY_FILE})
    void start_aSecretFileReadableByOthers_isRefusedNamingTheFile(String name) throws Exception {
        Map<String, Object> properties = properties();
        Path file = dir.resolve(name);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> ApplicationContext.run(properties).close()).rootCause()
                .hasMessageContaining(file.toString()).hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600").satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void start_everySecretFilePrivate_starts() throws Exception {
        try (ApplicationContext gateway = ApplicationContext.run(properties())) {
            assertThat(gateway.isRunning()).isTrue();
        }
    }

    /** A gateway whose every secret is in a file of {@link #dir}, each 0600. */
    private Map<String, Object> properties() throws Exception {
        TestPki.newCa(dir).gateway("gw-1");
        for (String name : new String[] {"buffer.key", GatewayAliases.KEY_FILE}) {
            write(dir.resolve(name), KEY + "\n");
        }
        write(dir.resolve("coap-devices.psk"), "psk-id-1 SER-1 " + KEY + "\n");
        Map<String, Object> p = new HashMap<>();
        p.put("vitalwire.gateway.id", "gw-1");
        p.put("vitalwire.gateway.tenant", TestPki.TENANT);
        p.put("vitalwire.gateway.data-dir", dir.toString());
        p.put("vitalwire.gateway.coap.port", FreePorts.udp());
        p.put("vitalwire.gateway.coap.psk-file", dir.resolve("coap-devices.psk").toString());
        p.put("vitalwire.gateway.uplink.broker-url", "ssl://127.0.0.1:1");
        p.put("vitalwire.gateway.uplink.ca-file", dir.resolve("ca.pem").toString());
        p.put("vitalwire.gateway.uplink.cert-file", dir.resolve("gw-1.pem").toString());
        p.put("vitalwire.gateway.uplink.key-file", dir.resolve("gw-1.key").toString());
        return p;
    }

    private static void write(Path file, String content) throws Exception {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
