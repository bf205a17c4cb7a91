package io.vitalwire.ingest.secrets;

import io.vitalwire.privacy.SecretFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 256-bit key that encrypts something at rest in PostgreSQL (webhook signing secrets, quarantined payloads): from
 * configuration, else from its key file, else generated into that file (mode 0600). A key file that group or others
 * may read is refused ({@link SecretFile}). {@link #id()} names it in the database and in errors — a digest, never
 * the key — so that a row says which key sealed it (rotation) and a replica given another key says so instead of
 * failing obscurely.
 */
public final class AtRestKey {

    public static final int LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(AtRestKey.class);

    /**
     * What a key protects.
     *
     * @param name      names it in messages, e.g. "webhook secret key"
     * @param configKey the property that may hold it (base64), e.g. {@code vitalwire.ingest.notify.secret-key}
     * @param idLabel   what its id is an HMAC of: a label of its own per purpose, so that one key used for two
     *                  purposes does not show the same id
     */
    public record Purpose(String name, String configKey, String idLabel) {
    }

    private final byte[] bytes;
    private final String id;
    private final String source;

    private AtRestKey(Purpose purpose, byte[] bytes, String source) {
        if (bytes.length != LENGTH) {
            throw new IllegalStateException("the " + purpose.name() + " from " + source + " is " + bytes.length
                    + " bytes; it must be the base64 of exactly " + LENGTH + " random bytes");
        }
        this.bytes = bytes.clone();
        this.source = source;
        this.id = digest(bytes, purpose.idLabel());
    }

    /**
     * @param configured the purpose's config key's value, if set
     * @param file       its key file: read if it exists, else created (mode 0600; replicas sharing the directory
     *                   race safely, the first one's key wins)
     */
    public static AtRestKey load(Purpose purpose, Optional<String> configured, Path file) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return new AtRestKey(purpose, decode(purpose, configured.get(), purpose.configKey()),
                    purpose.configKey());
        }
        if (!Files.exists(file)) {
            byte[] fresh = new byte[LENGTH];
            new SecureRandom().nextBytes(fresh);
            if (SecretFile.createUnlessExists(file, Base64.getEncoder().encodeToString(fresh) + "\n")) {
                LOG.warn("generated a new {} in {}; every replica needs the same key, and without it what it "
                        + "encrypted cannot be read: keep a copy", purpose.name(), file);
            }
        }
        return read(purpose, file);
    }

    /** The key in {@code file}, which must exist (a retired key, kept to read what it sealed). */
    public static AtRestKey read(Purpose purpose, Path file) {
        String source = "key file " + file;
        return new AtRestKey(purpose, decode(purpose, SecretFile.readText("the " + purpose.name() + " file", file),
                source), source);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** 16 hex digits of an HMAC of the purpose's label under the key: names the key without revealing it. */
    public String id() {
        return id;
    }

    /** Where the key came from; never the key. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "AtRestKey[" + id + " from " + source + "]";
    }

    private static byte[] decode(Purpose purpose, String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the " + purpose.name() + " from " + source + " is not base64");
        }
    }

    private static String digest(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] tag = mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(tag, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
