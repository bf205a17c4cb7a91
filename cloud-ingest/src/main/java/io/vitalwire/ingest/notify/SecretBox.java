package io.vitalwire.ingest.notify;

import io.micronaut.context.annotation.Context;
import io.vitalwire.ingest.secrets.Aead;
import io.vitalwire.ingest.secrets.AtRestKey;
import io.vitalwire.privacy.SecretFile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.UUID;

/**
 * Encrypts signing secrets for the database and decrypts them to sign: AES-256-GCM, a random 96-bit nonce per
 * secret, the endpoint's id as associated data (a sealed secret copied to another endpoint does not open). Stored
 * as nonce ‖ ciphertext ‖ tag beside the id of the key that sealed it.
 *
 * <p>The key ({@link AtRestKey}) is loaded when first needed — the first endpoint created, the first delivery
 * signed — so a replica without webhooks needs neither the key nor its file; but the box itself is created at
 * start-up, so that a key file that group or others may read stops the service at once (SecretFile).
 */
@Context
public class SecretBox {

    /** The key's purpose; its id label predates the shared AtRestKey, so that stored key ids stay valid. */
    static final AtRestKey.Purpose PURPOSE = new AtRestKey.Purpose("webhook secret key",
            "vitalwire.ingest.notify.secret-key", "vitalwire webhook secret key id");

    private final Optional<String> configuredKey;
    private final Path keyFile;
    private AtRestKey key;

    @Inject
    public SecretBox(NotifyConfig config) {
        this(config.getSecretKey(), config.getSecretKeyFile());
    }

    /** @see AtRestKey#load */
    SecretBox(Optional<String> configuredKey, Path keyFile) {
        this.configuredKey = configuredKey;
        this.keyFile = keyFile;
        SecretFile.requirePrivate("the webhook secret key file", keyFile);
    }

    /** A secret as stored: {@code keyId} names the key that sealed it. */
    record Sealed(String keyId, byte[] data) {
    }

    /** Thrown when a stored secret cannot be opened here: another key sealed it, or it was altered. */
    static final class SecretUnavailable extends Exception {
        SecretUnavailable(String message) {
            super(message);
        }
    }

    Sealed seal(UUID endpoint, SigningSecret secret) {
        AtRestKey k = key();
        return new Sealed(k.id(), Aead.seal(k, secret.bytes(), associatedData(endpoint)));
    }

    SigningSecret open(UUID endpoint, Sealed sealed) throws SecretUnavailable {
        AtRestKey k;
        try {
            k = key();
        } catch (RuntimeException e) {
            // The key file unreadable, the configured key malformed: the message names the source, never a key.
            throw new SecretUnavailable("endpoint " + endpoint + ": " + e.getMessage());
        }
        if (!k.id().equals(sealed.keyId())) {
            throw new SecretUnavailable("endpoint " + endpoint + ": its secret was sealed with webhook secret key "
                    + sealed.keyId() + ", this replica has key " + k.id() + " (" + k.source()
                    + "); every replica needs the same vitalwire.ingest.notify.secret-key");
        }
        try {
            return SigningSecret.of(Aead.open(k, sealed.data(), associatedData(endpoint)));
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailable("endpoint " + endpoint + ": its stored secret does not decrypt ("
                    + e.getClass().getSimpleName() + "); rotate it");
        }
    }

    private synchronized AtRestKey key() {
        if (key == null) {
            key = AtRestKey.load(PURPOSE, configuredKey, keyFile);
        }
        return key;
    }

    private static byte[] associatedData(UUID endpoint) {
        return ("vitalwire webhook secret|" + endpoint).getBytes(StandardCharsets.US_ASCII);
    }
}
