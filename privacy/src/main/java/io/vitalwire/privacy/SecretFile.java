package io.vitalwire.privacy;

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
import java.util.Optional;
import java.util.Set;

/**
 * A file holding a secret a service reads (a key, a PSK list, a TLS private key): readable by the service's user
 * only. A service refuses to start on a secret file that its group or others may read — the secret may already have
 * leaked, and a warning scrolls past unread — and creates the files it generates with mode 0600 from the start (never
 * written first and narrowed afterwards). Messages name the file and its mode, never what it holds.
 */
public final class SecretFile {

    private SecretFile() {
    }

    /** A secret file its group or others may read: the service must not start with it. */
    public static final class SharedSecretFileException extends IllegalStateException {
        SharedSecretFileException(String what, Path file, String permissions) {
            super(what + " " + file + " may be read by group or others (" + permissions + "): refusing to use it; "
                    + "make it readable by the service's user only (chmod 600 " + file + "), and replace the secret "
                    + "if anyone else may have read it");
        }
    }

    /**
     * Checks a secret file's mode; a file that does not exist passes (its reader says what is missing).
     *
     * @param what names the secret in the error, e.g. "the buffer key file"
     * @throws SharedSecretFileException when group or others have any permission on it
     */
    public static void requirePrivate(String what, Path file) {
        sharedPermissions(file).ifPresent(p -> {
            throw new SharedSecretFileException(what, file, p);
        });
    }

    /** The file's content after {@link #requirePrivate}: a secret file shared with others is never read. */
    public static byte[] read(String what, Path file) {
        requirePrivate(what, file);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + " (" + e.getClass().getSimpleName()
                    + ")", e);
        }
    }

    /** {@link #read} as ASCII text (a base64 key, a PEM block), stripped. */
    public static String readText(String what, Path file) {
        return new String(read(what, file), StandardCharsets.US_ASCII).strip();
    }

    /**
     * Creates the file with {@code content} and mode 0600 unless it exists: a complete file or none. The content is
     * written to a private temporary file, flushed, then linked to the file's name, which fails if another process
     * (a replica sharing the directory, a restart racing a crash) created it first; then its file stands. The
     * directory is created (0700) if missing.
     *
     * @return whether this call created it
     */
    public static boolean createUnlessExists(Path file, String content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            if (Files.notExists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    out.write(StandardCharsets.US_ASCII.encode(content));
                    out.force(true);
                }
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException raced) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // Not every file system lets a directory be synced; the file itself is.
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the secret file " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * The file's permissions (e.g. {@code rw-r--r--}) when its group or others may do anything with it; empty when
     * only its owner may, when it does not exist, or on a file system without POSIX permissions (nothing to check).
     */
    public static Optional<String> sharedPermissions(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                return Optional.of(PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Missing, or not a POSIX file system: nothing to check.
        }
        return Optional.empty();
    }
}
