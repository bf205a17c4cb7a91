package io.vitalwire.ingest.notify;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * An endpoint's signing secret in Standard Webhooks' form, {@code whsec_} + base64 of 24 to 64 random bytes. Shown
 * once, when it is created; {@link #toString()} never prints it.
 */
public final class SigningSecret {

    static final String PREFIX = "whsec_";
    private static final int GENERATED = 32;
    private static final int MIN = 24;
    private static final int MAX = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private SigningSecret(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** A new random secret of 32 bytes. */
    public static SigningSecret generate() {
        byte[] fresh = new byte[GENERATED];
        RANDOM.nextBytes(fresh);
        return new SigningSecret(fresh);
    }

    /**
     * A secret an operator chose (e.g. one the receiver generated).
     *
     * @throws IllegalArgumentException if it is not {@code whsec_} + base64 of 24..64 bytes; the message never holds
     *                                  the secret
     */
    public static SigningSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a secret is whsec_ followed by base64");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a secret is whsec_ followed by base64");
        }
        if (decoded.length < MIN || decoded.length > MAX) {
            throw new IllegalArgumentException("a secret holds " + MIN + " to " + MAX + " bytes, this one "
                    + decoded.length);
        }
        return new SigningSecret(decoded);
    }

    static SigningSecret of(byte[] bytes) {
        return new SigningSecret(bytes);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** The secret as receivers configure it, {@code whsec_…}: for the one answer that creates it, nothing else. */
    public String text() {
        return PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningSecret s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SigningSecret[hidden]";
    }
}
