package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.vitalwire.gateway.identity.GatewayConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * The installer code printed on the hub's label: ten characters from an alphabet without look-alikes (no 0/O, 1/I/L),
 * about 49 bits, shown as {@code XXXXX-XXXXX}. Read from its file; generated into it (mode 0600) at first start when
 * the file does not exist, so that a hub always has one and the label can be printed from the file. Compared in
 * constant time, ignoring case, spaces and dashes (as people type it). Never logged.
 */
@Singleton
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class InstallerCode {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int LENGTH = 10;

    private final byte[] normalized;

    @Inject
    InstallerCode(InstallerConfig config, GatewayConfig gateway) {
        this(config.getCodeFile() != null ? config.getCodeFile() : gateway.getDataDir().resolve("installer-code"));
    }

    InstallerCode(Path file) {
        this.normalized = normalize(readOrCreate(file)).getBytes(StandardCharsets.US_ASCII);
        if (normalized.length < 8) {
            throw new IllegalStateException("the installer code in " + file + " is shorter than 8 characters");
        }
    }

    /** Whether {@code typed} is the code, in time independent of where it differs. */
    boolean matches(String typed) {
        byte[] candidate = normalize(typed == null ? "" : typed).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(candidate, normalized);
    }

    static String normalize(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "?");
    }

    static String generate(SecureRandom random) {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < LENGTH; i++) {
            if (i == LENGTH / 2) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    private static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, generate(new SecureRandom()) + "\n", StandardCharsets.US_ASCII);
                } catch (FileAlreadyExistsException raced) {
                    // Another start made it first: read theirs.
                }
            }
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("the installer code file " + file + " cannot be read or made", e);
        }
    }
}
