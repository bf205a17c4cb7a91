package io.vitalwire.gateway.identity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The credentials systemd hands the service ({@code LoadCredentialEncrypted=} in the unit's drop-in written by the
 * Debian package's {@code vitalwire-gateway-credentials}): decrypted by systemd (with the TPM where the hub has one)
 * into a private, memory-backed directory named by {@code $CREDENTIALS_DIRECTORY}, so the buffer key and the TLS
 * private key need not lie as plain files on the hub's disk. A credential present there wins over the configured
 * file: the operator put it there on purpose.
 *
 * @param directory {@code $CREDENTIALS_DIRECTORY}, or null when the service was not given any credentials
 */
public record SystemdCredentials(Path directory) {

    /** The environment variable systemd sets when a unit has credentials. */
    public static final String ENVIRONMENT_VARIABLE = "CREDENTIALS_DIRECTORY";
    /** The buffer's AES key, in the buffer key file's format (base64 of 32 bytes). */
    public static final String BUFFER_KEY = "buffer.key";
    /** The uplink's TLS private key, in the key file's format (PEM, PKCS#8). */
    public static final String TLS_KEY = "gateway.key";

    public static SystemdCredentials fromEnvironment() {
        String directory = System.getenv(ENVIRONMENT_VARIABLE);
        return new SystemdCredentials(directory == null || directory.isBlank() ? null : Path.of(directory));
    }

    /** The file of credential {@code name}, if systemd provided one. */
    public Optional<Path> find(String name) {
        if (directory == null) {
            return Optional.empty();
        }
        Path file = directory.resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
