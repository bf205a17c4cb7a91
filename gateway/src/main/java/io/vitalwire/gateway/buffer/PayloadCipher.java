package io.vitalwire.gateway.buffer;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts buffer payloads with AES-256-GCM. A sealed payload is {@code version (1) ‖ nonce (12) ‖ ciphertext ‖ tag
 * (16)}; the nonce is random per payload, and the caller's associated data (the reading key) is authenticated with it,
 * so a payload copied onto another row no longer opens.
 *
 * <p>Random 96-bit nonces keep the chance of a repeat negligible below about 2^32 payloads per key (NIST SP 800-38D);
 * a home gateway writes orders of magnitude fewer in its life.
 *
 * <p>Thread-safe: each thread keeps its own {@link Cipher} (creating one costs more than a small payload's
 * encryption), initialised afresh with a new nonce for every payload, which GCM requires. Each thread also draws its
 * nonces from its own block of random bytes, refilled a few hundred nonces at a time: asking the system's random
 * source for every 12 bytes costs a system call under a JVM-wide lock, as much as the encryption itself.
 */
final class PayloadCipher {

    static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int OVERHEAD = 1 + NONCE_BYTES + TAG_BITS / 8;

    private final SecretKeySpec key;
    private static final int NONCE_BLOCK = NONCE_BYTES * 256;

    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(PayloadCipher::newCipher);
    private final ThreadLocal<NonceBlock> nonces = ThreadLocal.withInitial(NonceBlock::new);

    PayloadCipher(BufferKey key) {
        this.key = new SecretKeySpec(key.bytes(), "AES");
    }

    byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] sealed = new byte[OVERHEAD + plaintext.length];
        sealed[0] = VERSION;
        nonces.get().next(sealed, 1);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, 1 + NONCE_BYTES);
            return sealed;
        } catch (GeneralSecurityException e) {
            // AES-GCM is in every JDK; failing here is a broken runtime, not bad data.
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** @throws GeneralSecurityException if the payload was not sealed with this key and associated data, or altered */
    byte[] open(byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < OVERHEAD || sealed[0] != VERSION) {
            throw new GeneralSecurityException("not a sealed payload of version " + VERSION);
        }
        Cipher cipher = ciphers.get();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
        cipher.updateAAD(associatedData);
        return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    }

    /** One thread's supply of random nonces; every byte is handed out once. */
    private final class NonceBlock {
        private final byte[] block = new byte[NONCE_BLOCK];
        private int used = NONCE_BLOCK;

        void next(byte[] into, int offset) {
            if (used == NONCE_BLOCK) {
                random.nextBytes(block);
                used = 0;
            }
            System.arraycopy(block, used, into, offset, NONCE_BYTES);
            used += NONCE_BYTES;
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
