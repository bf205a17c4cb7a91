package io.vitalwire.gateway.buffer;

import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.identity.SystemdCredentials;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link ReadingBuffer} is opened with: {@link BufferConfig} resolved against the data directory, plus the key
 * from the environment.
 *
 * @param environmentKey the value of {@link BufferKey#ENVIRONMENT_VARIABLE}, or null; wins over {@code keyFile}
 */
public record BufferSettings(Path file, String synchronous, Path keyFile, String environmentKey, long maxSizeBytes,
                             Duration acknowledgedRetention) {

    public static final long DEFAULT_MAX_SIZE_BYTES = 1L << 30;
    public static final Duration DEFAULT_ACKNOWLEDGED_RETENTION = Duration.ofHours(1);

    public BufferSettings {
        if (maxSizeBytes <= 0) {
            throw new IllegalArgumentException("vitalwire.gateway.buffer.max-size must be positive");
        }
        if (acknowledgedRetention.isNegative()) {
            throw new IllegalArgumentException("vitalwire.gateway.buffer.acknowledged-retention must not be negative");
        }
    }

    /** The key file: systemd's credential {@code buffer.key} if given, else the configured file, else the default. */
    static BufferSettings of(GatewayConfig gateway, BufferConfig config, String environmentKey,
                             SystemdCredentials credentials) {
        return new BufferSettings(
                config.getPath().map(Path::of).orElse(gateway.getDataDir().resolve("buffer.db")),
                config.getSynchronous(),
                credentials.find(SystemdCredentials.BUFFER_KEY)
                        .or(() -> config.getKeyFile().map(Path::of))
                        .orElse(gateway.getDataDir().resolve("buffer.key")),
                environmentKey, config.getMaxSize(), config.getAcknowledgedRetention());
    }

    /** The configuration's defaults for a buffer at {@code file}, its key file beside it; for tests and tools. */
    public static BufferSettings defaults(Path file) {
        return new BufferSettings(file, "FULL", file.toAbsolutePath().resolveSibling("buffer.key"), null,
                DEFAULT_MAX_SIZE_BYTES, DEFAULT_ACKNOWLEDGED_RETENTION);
    }

    public BufferSettings withSynchronous(String mode) {
        return new BufferSettings(file, mode, keyFile, environmentKey, maxSizeBytes, acknowledgedRetention);
    }

    public BufferSettings withMaxSizeBytes(long bytes) {
        return new BufferSettings(file, synchronous, keyFile, environmentKey, bytes, acknowledgedRetention);
    }

    public BufferSettings withEnvironmentKey(String base64) {
        return new BufferSettings(file, synchronous, keyFile, base64, maxSizeBytes, acknowledgedRetention);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "BufferSettings[file=" + file + ", synchronous=" + synchronous + ", keyFile=" + keyFile
                + ", environmentKey=" + (environmentKey == null ? "unset" : "set") + ", maxSizeBytes=" + maxSizeBytes
                + ", acknowledgedRetention=" + acknowledgedRetention + "]";
    }
}
