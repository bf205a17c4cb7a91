package io.vitalwire.gateway.buffer;

import io.vitalwire.privacy.SecretFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit key that encrypts buffered payloads, and where it came from. {@link #source()} names the origin for
 * error messages and logs; the key itself is never printed.
 */
public final class BufferKey {

    /** Wins over the key file, so that an operator can keep the key off the SD card (e.g. from a TPM-backed store). */
    public static final String ENVIRONMENT_VARIABLE = "VITALWIRE_BUFFER_KEY";

    static final int LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(BufferKey.class);

    private final byte[] bytes;
    private final String source;

    private BufferKey(byte[] bytes, String source) {
        if (bytes.length != LENGTH) {
            throw new IllegalStateException("the buffer key from " + source + " is " + bytes.length
                    + " bytes; it must be the base64 of exactly " + LENGTH + " random bytes");
        }
        this.bytes = bytes.clone();
        this.source = source;
    }

    /**
     * The key from the environment variable's value if set, else from the key file; without either, a new random key
     * written to the key file (mode 0600) — but only if {@code mayGenerate}, i.e. the buffer holds nothing yet. A
     * buffer that holds readings gets no new key: that would make every one of them unreadable.
     *
     * @param environmentValue the value of {@link #ENVIRONMENT_VARIABLE}, or null
     */
    static BufferKey load(String environmentValue, Path keyFile, boolean mayGenerate) {
        if (environmentValue != null && !environmentValue.isBlank()) {
            return new BufferKey(decode(environmentValue, "environment variable " + ENVIRONMENT_VARIABLE),
                    "environment variable " + ENVIRONMENT_VARIABLE);
        }
        String fileSource = "key file " + keyFile;
        if (Files.exists(keyFile)) {
            return new BufferKey(decode(SecretFile.readText("the buffer key file", keyFile), fileSource), fileSource);
        }
        if (!mayGenerate) {
            throw new IllegalStateException("the reading buffer holds readings but there is no key to read them: "
                    + ENVIRONMENT_VARIABLE + " is not set and " + keyFile + " does not exist. Restore the key the "
                    + "buffer was written with; no new key is generated, as it would make every buffered reading "
                    + "unreadable");
        }
        byte[] fresh = new byte[LENGTH];
        new SecureRandom().nextBytes(fresh);
        if (!SecretFile.createUnlessExists(keyFile, Base64.getEncoder().encodeToString(fresh) + "\n")) {
            return load(null, keyFile, mayGenerate); // another start was first: its key it is
        }
        LOG.warn("generated a new buffer encryption key in {}; keep a copy away from the buffer's disk "
                + "(without it the buffered readings cannot be read)", keyFile);
        return new BufferKey(fresh, fileSource);
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** Where the key came from, e.g. "key file /var/lib/vitalwire/buffer.key"; never the key. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "BufferKey[" + source + "]";
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the buffer key from " + source + " is not base64: " + e.getMessage());
        }
    }
}
