package io.vitalwire.ingest.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cloud-ingest refuses to start when a file holding one of its secrets may be read by group or others (issue 14,
 * point 7): the quarantine key, the device alias key, the webhook secret key, the MQTT client's TLS private key and
 * the SMART client's private key. The error names the file and its mode, never what it holds; with the same files
 * at 0600 it starts.
 */
class SharedSecretFilesStartupIT {

    /** What each key file holds here: must never appear in the error. */
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'q');

    private final TestStack stack = new TestStack();

    @TempDir
    Path dir;

    @AfterEach
    void dropSchema() throws Exception {
        stack.dropSchema();
    }

    @ParameterizedTest
    @ValueSource(strings = {"quarantine.key", "device-alias.key", "webhook-secret.key", "cloud-ingest.key",
            "smart-client.key"})
    void start_aSecretFileReadableByOthers_isRefusedNamingTheFile(String name) throws Exception {
        Map<String, Object> properties = properties();
        Path file = dir.resolve(name);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> ApplicationContext.run(properties).close()).rootCause()
                .hasMessageContaining(file.toString()).hasMessageContaining("rw-r-----")
                .hasMessageContaining("chmod 600").satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    }

    @Test
    void start_everySecretFilePrivate_starts() throws Exception {
        try (ApplicationContext ingest = ApplicationContext.run(properties())) {
            assertThat(ingest.isRunning()).isTrue();
        }
    }

    /** cloud-ingest with every secret in a file of {@link #dir}, each 0600. */
    private Map<String, Object> properties() throws Exception {
        TestPki.newCa(dir).service("cloud-ingest");
        for (String name : new String[] {"quarantine.key", "device-alias.key", "webhook-secret.key"}) {
            write(dir.resolve(name), KEY + "\n");
        }
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp384r1"));
        write(dir.resolve("smart-client.key"), "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(ec.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Map<String, Object> p = new HashMap<>(stack.properties(Map.of()));
        // Nothing in the background: a context refused half-way must leave nothing working on the schema it drops.
        for (String worker : new String[] {"inbox.workers-enabled", "notify.workers-enabled", "tasks.workers-enabled",
                "tasks.escalation-enabled", "rules.sweep-enabled", "operations.sweep-enabled"}) {
            p.put("vitalwire.ingest." + worker, "false");
        }
        p.put("vitalwire.ingest.quarantine.key-file", dir.resolve("quarantine.key").toString());
        p.put("vitalwire.ingest.aliases.key-file", dir.resolve("device-alias.key").toString());
        p.put("vitalwire.ingest.notify.secret-key-file", dir.resolve("webhook-secret.key").toString());
        p.put("vitalwire.ingest.mqtt.enabled", "true");
        p.put("vitalwire.ingest.mqtt.broker-url", "ssl://127.0.0.1:1");
        p.put("vitalwire.ingest.mqtt.ca-file", dir.resolve("ca.pem").toString());
        p.put("vitalwire.ingest.mqtt.cert-file", dir.resolve("cloud-ingest.pem").toString());
        p.put("vitalwire.ingest.mqtt.key-file", dir.resolve("cloud-ingest.key").toString());
        p.put("vitalwire.ingest.fhir.auth.mode", "smart-backend");
        p.put("vitalwire.ingest.fhir.auth.token-url", "http://127.0.0.1:1/token");
        p.put("vitalwire.ingest.fhir.auth.client-id", "cloud-ingest");
        p.put("vitalwire.ingest.fhir.auth.key-id", "k1");
        p.put("vitalwire.ingest.fhir.auth.private-key-file", dir.resolve("smart-client.key").toString());
        return p;
    }

    private static void write(Path file, String content) throws Exception {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
