package io.vitalwire.gateway.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/** A file holding one of the gateway's own secrets (a key), readable by the gateway's user only. */
public final class SecretFile {

    private SecretFile() {
    }

    /**
     * Writes {@code content} with mode 0600 to a temporary file, flushes it and then renames it into place, so that a
     * crash never leaves a truncated secret behind (a truncated key would lock away what the whole one protects).
     */
    public static void write(Path file, String content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                out.write(StandardCharsets.US_ASCII.encode(content));
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // Not every file system lets a directory be synced; the file itself is.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secret file " + file, e);
        }
    }

    /**
     * The file's permissions (e.g. {@code rw-r--r--}) when its group or others may do anything with it; empty when
     * only its owner may, or on a file system without POSIX permissions (nothing to check there).
     */
    public static Optional<String> sharedPermissions(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
                return Optional.of(PosixFilePermissions.toString(p));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to check.
        }
        return Optional.empty();
    }
}
