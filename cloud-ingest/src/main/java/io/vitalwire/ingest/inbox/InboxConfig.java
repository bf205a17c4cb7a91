package io.vitalwire.ingest.inbox;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** The durable inbox and its workers ({@code vitalwire.ingest.inbox.*}). */
@ConfigurationProperties("vitalwire.ingest.inbox")
public interface InboxConfig {

    /**
     * Whether this replica drains the inbox. Every replica may: claims keep them from handling one entry, or one
     * device's entries, at once. Default true.
     */
    @Bindable(defaultValue = "true")
    boolean isWorkersEnabled();

    /** Workers resolving patients. Default 1 (a cached lookup per device; FHIR reads only on a cache miss). */
    @Bindable(defaultValue = "1")
    int getResolveWorkers();

    /** Workers writing to FHIR: two, so that one large or slow transaction does not hold back other devices. Default 2. */
    @Bindable(defaultValue = "2")
    int getFhirWorkers();

    /** Workers writing to InfluxDB. Default 1 (one batch of line protocol takes milliseconds). */
    @Bindable(defaultValue = "1")
    int getInfluxWorkers();

    /**
     * Workers per stage that claim only the express lane's entries (readings that may alert at once, see
     * {@code IngestPipeline}), beside the stage's own workers. Default 1; 0 sends everything through the stage's
     * workers in arrival order.
     */
    @Bindable(defaultValue = "1")
    int getExpressWorkers();

    /**
     * Readings this replica keeps decoded in memory at most (~1.5 KB each), so that the stages do not each decode a
     * reading again from the inbox ({@code DecodedReadings}); each is kept 20 s after its last use. 0 keeps none.
     * Default 20000.
     */
    @Bindable(defaultValue = "20000")
    int getDecodedReadings();

    /** Entries per claim at most: one FHIR transaction bundle, one InfluxDB batch. Default 500. */
    @Bindable(defaultValue = "500")
    int getBatchSize();

    /**
     * Entries of one device per claim at most. A device's backlog (a gateway back after days offline) then drains in
     * slices of this size, and the rest of each claim goes to other devices, whose live readings are not held back
     * behind it. Default 100.
     */
    @Bindable(defaultValue = "100")
    int getDeviceBatchSize();

    /**
     * How often an idle worker looks for work it was not told about: entries other replicas left (a replica that
     * died, one whose workers are busy) and retries that became due. New entries of this replica wake its workers
     * at once, without waiting for this. Default 1s.
     */
    @Bindable(defaultValue = "1s")
    Duration getPollInterval();

    /**
     * How long a worker of the stage's own lane waits before its next claim when the last one took everything due
     * (fewer entries than {@link #getBatchSize()} and than {@link #getDeviceBatchSize()}, so no limit cut it), so that
     * entries arriving meanwhile go into one claim rather than many: each claim costs its scan, its commit and one
     * call to the stage's service, so under a thousand 1 Hz streams claims of a few entries each cost PostgreSQL more
     * than the entries did. Only where express workers take the readings that may alert at once (they never wait),
     * and never while claims are cut short by a limit (a backlog drains at full speed). Default 200ms (a stream sample reaches FHIR and InfluxDB at most two
     * lingers later); 0 claims again at once.
     */
    @Bindable(defaultValue = "200ms")
    Duration getLinger();

    /** First wait after a failed attempt, doubled per further failure of the entry. Default 1s. */
    @Bindable(defaultValue = "1s")
    Duration getRetryDelay();

    /**
     * Longest wait between attempts. The first success of a stage after failures makes every entry waiting for it
     * due at once, so this bounds recovery only while nothing new arrives. Default 30s.
     */
    @Bindable(defaultValue = "30s")
    Duration getMaxRetryDelay();

    /**
     * How long entries are kept once every stage is done with them, for the explain API; then purged. The entry
     * holds the reading's values, so keep it short. Default 3d.
     */
    @Bindable(defaultValue = "3d")
    Duration getRetention();

    /** How often this replica purges entries past their retention. Default 10m. */
    @Bindable(defaultValue = "10m")
    Duration getPurgeInterval();

    /** How often the depth and age gauges and the health indicator's figures are refreshed. Default 10s. */
    @Bindable(defaultValue = "10s")
    Duration getStatsInterval();
}
