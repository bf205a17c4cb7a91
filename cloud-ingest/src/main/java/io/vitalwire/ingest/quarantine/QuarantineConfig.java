package io.vitalwire.ingest.quarantine;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The quarantine's encryption at rest and retention ({@code vitalwire.ingest.quarantine.*}). */
@ConfigurationProperties("vitalwire.ingest.quarantine")
public interface QuarantineConfig {

    /**
     * The key (base64 of 32 random bytes) that encrypts quarantined payloads; wins over {@link #getKeyFile()}. Set it
     * from a secret store (an environment variable, never a command line). Default: unset.
     */
    Optional<String> getKey();

    /**
     * The key's file: read if it exists (it must be mode 0600 or the service does not start), else generated there.
     * Every replica needs the same key. Default {@code /var/lib/vitalwire/cloud-ingest/quarantine.key}.
     */
    @Bindable(defaultValue = "/var/lib/vitalwire/cloud-ingest/quarantine.key")
    Path getKeyFile();

    /**
     * Files of keys that sealed entries before the current one (rotation): read to open those entries, never to
     * seal. An entry names its key by id, so a key can be retired once no entry within the retention names it.
     * Default: none.
     */
    @Bindable(defaultValue = "")
    List<Path> getRetiredKeyFiles();

    /**
     * How long an entry is kept (it holds a reading's values and identifiers), then purged, replayed or not.
     * Default 30 days: time to review and replay after a device is set up, well within a month's audit.
     */
    @Bindable(defaultValue = "30d")
    Duration getRetention();

    /** Whether this replica runs the retention purge and the sealing of older plaintext entries. Default true. */
    @Bindable(defaultValue = "true")
    boolean isPurgeEnabled();

    /** Time between purges (and sealing sweeps) on each replica. Default 1h. */
    @Bindable(defaultValue = "1h")
    Duration getPurgeInterval();

    /**
     * How often each replica counts the entries awaiting replay per reason for
     * {@code vitalwire.ingest.quarantine.awaiting{reason}} (a scrape does not query the database). Default 1m.
     */
    @Bindable(defaultValue = "1m")
    Duration getStatsInterval();

    /** Entries deleted or sealed per transaction. Default 500. */
    @Bindable(defaultValue = "500")
    int getBatchSize();
}
