package io.vitalwire.gateway.buffer;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;
import java.time.Duration;
import java.util.Optional;

/** The durable buffer ({@code vitalwire.gateway.buffer.*}). */
@ConfigurationProperties("vitalwire.gateway.buffer")
public interface BufferConfig {

    /** SQLite file. Default: {@code buffer.db} in the gateway's data directory. */
    Optional<String> getPath();

    /**
     * SQLite {@code synchronous} mode: FULL makes each commit survive power loss (a Pi's SD card loses the last
     * NORMAL commits on power cut, not on a process crash). Default {@code FULL}.
     */
    @Bindable(defaultValue = "FULL")
    String getSynchronous();

    /**
     * File holding the base64 of the 32-byte AES-256-GCM key that encrypts buffered payloads. Default:
     * {@code buffer.key} in the gateway's data directory. Generated (mode 0600) on first start if missing while the
     * buffer is empty. The environment variable {@code VITALWIRE_BUFFER_KEY} (same format) wins over the file.
     */
    Optional<String> getKeyFile();

    /**
     * Most space the buffer file may use (SQLite pages in use), e.g. {@code 1GB}, {@code 512MB}. Appends are refused
     * lane by lane as it fills: routine from 90 %, critical from 98 %, lifecycle at 100 %; unsent readings are never
     * evicted. Default {@code 1GB} (units of 1024).
     */
    @Bindable(defaultValue = "1GB")
    @ReadableBytes
    long getMaxSize();

    /**
     * How long acknowledged readings stay in the file (they only serve debugging) before maintenance deletes them.
     * At capacity they go at once. Default {@code 1h}.
     */
    @Bindable(defaultValue = "1h")
    Duration getAcknowledgedRetention();

    /**
     * Health reports DOWN once the oldest unsent reading (one no receipt of cloud-ingest has named yet) is older than
     * this. Default {@code 3d}.
     */
    @Bindable(defaultValue = "3d")
    Duration getOldestUnsentAlarm();

    /**
     * Interval of buffer maintenance: delete acknowledged readings past their retention, return free pages to the
     * file system, truncate the WAL. Default {@code 1m}.
     */
    @Bindable(defaultValue = "1m")
    Duration getMaintenanceInterval();
}
