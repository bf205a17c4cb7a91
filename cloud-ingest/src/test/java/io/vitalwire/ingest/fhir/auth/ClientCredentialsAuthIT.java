package io.vitalwire.ingest.fhir.auth;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import java.util.Map;

/** {@code client-credentials}: the client secret in HTTP Basic. */
@MicronautTest
class ClientCredentialsAuthIT extends AuthenticatedWritesTest {

    private static final String SECRET = "s3cret-" + java.util.UUID.randomUUID();

    ClientCredentialsAuthIT() {
        auth.registerSecret(SECRET);
    }

    @Override
    protected Map<String, String> authProperties() {
        return Map.of("vitalwire.ingest.fhir.auth.mode", "client-credentials",
                "vitalwire.ingest.fhir.auth.client-secret", SECRET);
    }

    @Override
    protected void breakCredentials() {
        auth.registerSecret("rotated-" + SECRET);
    }

    @Override
    protected void restoreCredentials() {
        auth.registerSecret(SECRET);
    }

    @Override
    protected String refusal() {
        return "wrong client secret";
    }
}
