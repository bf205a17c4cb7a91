package io.vitalwire.ingest.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 256-bit key that encrypts the endpoints' signing secrets at rest: from configuration, else from its key file,
 * else generated into that file (mode 0600). {@link #id()} names it in the database and in errors — a digest, never
 * the key — so that a replica given another key says so instead of failing obscurely.
 */
final class AtRestKey {

    static final int LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(AtRestKey.class);

    private final byte[] bytes;
    private final String id;
    private final String source;

    private AtRestKey(byte[] bytes, String source) {
        if (bytes.length != LENGTH) {
            throw new IllegalStateException("the webhook secret key from " + source + " is " + bytes.length
                    + " bytes; it must be the base64 of exactly " + LENGTH + " random bytes");
        }
        this.bytes = bytes.clone();
        this.source = source;
        this.id = digest(bytes);
    }

    /**
     * @param configured {@code vitalwire.ingest.notify.secret-key}, if set
     * @param file       {@code vitalwire.ingest.notify.secret-key-file}: read if it exists, else created
     */
    static AtRestKey load(Optional<String> configured, Path file) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return new AtRestKey(decode(configured.get(), "vitalwire.ingest.notify.secret-key"),
                    "vitalwire.ingest.notify.secret-key");
        }
        String source = "key file " + file;
        if (!Files.exists(file)) {
            create(file);
        }
        warnIfShared(file);
        try {
            return new AtRestKey(decode(Files.readString(file, StandardCharsets.US_ASCII), source), source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the webhook secret " + source, e);
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** 16 hex digits of an HMAC of a fixed label under the key: names the key without revealing it. */
    String id() {
        return id;
    }

    /** Where the key came from; never the key. */
    String source() {
        return source;
    }

    @Override
    public String toString() {
        return "AtRestKey[" + id + " from " + source + "]";
    }

    /**
     * A complete key file or none: the key is written to a private temporary file, flushed, then linked to the
     * file's name, which fails if another replica sharing the directory created it first; either way the key read
     * afterwards is the file's, the one every replica uses.
     */
    private static void create(Path file) {
        byte[] fresh = new byte[LENGTH];
        new SecureRandom().nextBytes(fresh);
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".webhook-key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    out.write(StandardCharsets.US_ASCII.encode(Base64.getEncoder().encodeToString(fresh) + "\n"));
                    out.force(true);
                }
                Files.createLink(file, temp);
                LOG.warn("generated a new webhook secret key in {}; every replica needs the same key, and without it "
                        + "the stored webhook secrets cannot be used: keep a copy", file);
            } catch (FileAlreadyExistsException raced) {
                // Another replica sharing the directory was first: use its key.
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a new webhook secret key to " + file
                    + " (set vitalwire.ingest.notify.secret-key, or a writable secret-key-file)", e);
        }
    }

    private static byte[] decode(String base64, String source) {
        try {
            return Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the webhook secret key from " + source + " is not base64");
        }
    }

    private static String digest(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] tag = mac.doFinal("vitalwire webhook secret key id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(tag, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static void warnIfShared(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                LOG.warn("webhook secret key file {} is readable by others ({}); make it mode 0600", file,
                        PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
    }
}
