package io.vitalwire.ingest.fhir.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.mqtt.tls.TlsMaterialException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each mode needs is checked at start-up, with messages naming the key; nothing secret is printed. */
class FhirAuthTest {

    private static final URI TOKEN_URL = URI.create("https://auth.example.org/oauth2/token");

    @Test
    void clientCredentials_withoutASecret_namesTheMissingKey() {
        Settings settings = new Settings(AuthMode.CLIENT_CREDENTIALS, Optional.of(TOKEN_URL), Optional.of("c"),
                Optional.empty(), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> new FhirAuth(settings))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("vitalwire.ingest.fhir.auth.client-secret is required with "
                        + "vitalwire.ingest.fhir.auth.mode client-credentials");
    }

    @Test
    void smartBackend_withoutAKeyId_orWithAnUnreadableKeyFile_failsAtStartUp() throws Exception {
        Path key = TestKeys.pemFile(TestKeys.rsa());
        assertThatThrownBy(() -> new FhirAuth(new Settings(AuthMode.SMART_BACKEND, Optional.of(TOKEN_URL),
                Optional.of("c"), Optional.empty(), Optional.of(key), Optional.empty())))
                .hasMessageContaining("vitalwire.ingest.fhir.auth.key-id is required");

        Path notAKey = Files.createTempFile("vw-not-a-key-", ".pem");
        Files.writeString(notAKey, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> new FhirAuth(new Settings(AuthMode.SMART_BACKEND, Optional.of(TOKEN_URL),
                Optional.of("c"), Optional.empty(), Optional.of(notAKey), Optional.of("k"))))
                .isInstanceOf(TlsMaterialException.class)
                .hasMessageContaining(notAKey.toString()).hasMessageContaining("no PKCS#8 PEM private key");
    }

    @Test
    void none_needsNothing() {
        new FhirAuth(new Settings(AuthMode.NONE, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty()));
    }

    @Test
    void tokensAndSecrets_stayOutOfTheirToString() {
        assertThat(new AccessToken("tok-123", Instant.EPOCH).toString()).doesNotContain("tok-123");
        assertThat(new ClientSecret("c", "sec-456", FhirAuthConfig.SecretMethod.BASIC).toString())
                .doesNotContain("sec-456");
    }

    /** The configuration a mode is given; the remaining keys have their documented defaults. */
    private record Settings(AuthMode getMode, Optional<URI> getTokenUrl, Optional<String> getClientId,
                            Optional<String> getClientSecret, Optional<Path> getPrivateKeyFile,
                            Optional<String> getKeyId) implements FhirAuthConfig {

        @Override
        public SecretMethod getClientSecretMethod() {
            return SecretMethod.BASIC;
        }

        @Override
        public String getScope() {
            return "system/Observation.write";
        }

        @Override
        public Duration getAssertionLifetime() {
            return Duration.ofMinutes(4);
        }

        @Override
        public Duration getRefreshBefore() {
            return Duration.ofSeconds(30);
        }

        @Override
        public Duration getTimeout() {
            return Duration.ofSeconds(10);
        }
    }
}
