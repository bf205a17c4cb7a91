package io.vitalwire.ingest.fhir.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;

/**
 * {@code smart-backend}, with the key of a subclass: the authorization server verifies every client assertion's
 * signature and claims, and refuses a repeated {@code jti}.
 */
abstract class SmartBackendAuthTest extends AuthenticatedWritesTest {

    private final KeyPair keys;
    private final Path keyFile;

    SmartBackendAuthTest(KeyPair keys) {
        this.keys = keys;
        try {
            this.keyFile = TestKeys.pemFile(keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        auth.registerKey(keys.getPublic());
    }

    @Override
    protected Map<String, String> authProperties() {
        return Map.of("vitalwire.ingest.fhir.auth.mode", "smart-backend",
                "vitalwire.ingest.fhir.auth.private-key-file", keyFile.toString(),
                "vitalwire.ingest.fhir.auth.key-id", TestAuthorizationServer.KEY_ID);
    }

    /** The server now holds another public key of the same kind for the client: ours no longer verifies. */
    @Override
    protected void breakCredentials() {
        KeyPair other = keys.getPublic() instanceof RSAPublicKey ? TestKeys.rsa() : TestKeys.ec("secp384r1");
        auth.registerKey(other.getPublic());
    }

    @Override
    protected void restoreCredentials() {
        auth.registerKey(keys.getPublic());
    }

    @Override
    protected String refusal() {
        return "client assertion signature does not verify";
    }
}
