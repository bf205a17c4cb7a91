package io.vitalwire.ingest.secrets;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with the JDK's {@code javax.crypto} alone (no Tink: one cipher mode and a key file need no library):
 * a random 96-bit nonce per message, stored as nonce ‖ ciphertext ‖ tag. The associated data binds a sealed value to
 * where it belongs (an endpoint, a quarantine column and its reading), so that one copied elsewhere does not open.
 */
public final class Aead {

    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Aead() {
    }

    public static byte[] seal(AtRestKey key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            byte[] sealed = cipher(Cipher.ENCRYPT_MODE, key, nonce, associatedData).doFinal(plaintext);
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getClass().getSimpleName(), e);
        }
    }

    /** @throws GeneralSecurityException when another key sealed it, or it was altered or moved */
    public static byte[] open(AtRestKey key, byte[] sealed, byte[] associatedData) throws GeneralSecurityException {
        if (sealed.length < NONCE) {
            throw new javax.crypto.AEADBadTagException("too short to be sealed");
        }
        return cipher(Cipher.DECRYPT_MODE, key, sealed, associatedData).doFinal(sealed, NONCE, sealed.length - NONCE);
    }

    private static Cipher cipher(int mode, AtRestKey key, byte[] nonceSource, byte[] associatedData)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonceSource, 0, NONCE));
        cipher.updateAAD(associatedData);
        return cipher;
    }
}
