package io.vitalwire.ingest.notify;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts signing secrets for the database and decrypts them to sign: AES-256-GCM, a random 96-bit nonce per
 * secret, the endpoint's id as associated data (a sealed secret copied to another endpoint does not open). Stored
 * as nonce ‖ ciphertext ‖ tag beside the id of the key that sealed it.
 *
 * <p>The key ({@link AtRestKey}) is loaded when first needed — the first endpoint created, the first delivery
 * signed — so a replica without webhooks needs neither the key nor its file.
 */
@Singleton
public class SecretBox {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final Optional<String> configuredKey;
    private final Path keyFile;
    private final SecureRandom random = new SecureRandom();
    private AtRestKey key;

    @Inject
    public SecretBox(NotifyConfig config) {
        this(config.getSecretKey(), config.getSecretKeyFile());
    }

    /** @see AtRestKey#load */
    SecretBox(Optional<String> configuredKey, Path keyFile) {
        this.configuredKey = configuredKey;
        this.keyFile = keyFile;
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
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, k, nonce, endpoint);
            byte[] sealed = cipher.doFinal(secret.bytes());
            return new Sealed(k.id(), ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a webhook secret: " + e.getClass().getSimpleName(), e);
        }
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
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, k, sealed.data(), endpoint);
            return SigningSecret.of(cipher.doFinal(sealed.data(), NONCE, sealed.data().length - NONCE));
        } catch (GeneralSecurityException e) {
            throw new SecretUnavailable("endpoint " + endpoint + ": its stored secret does not decrypt ("
                    + e.getClass().getSimpleName() + "); rotate it");
        }
    }

    private synchronized AtRestKey key() {
        if (key == null) {
            key = AtRestKey.load(configuredKey, keyFile);
        }
        return key;
    }

    private static Cipher cipher(int mode, AtRestKey key, byte[] nonceSource, UUID endpoint)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonceSource, 0, NONCE));
        cipher.updateAAD(("vitalwire webhook secret|" + endpoint).getBytes(StandardCharsets.US_ASCII));
        return cipher;
    }
}
