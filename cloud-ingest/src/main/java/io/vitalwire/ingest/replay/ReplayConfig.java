package io.vitalwire.ingest.replay;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** Replay of quarantined readings ({@code vitalwire.ingest.replay.*}). */
@ConfigurationProperties("vitalwire.ingest.replay")
public interface ReplayConfig {

    /**
     * Whether this replica sweeps the quarantine: every {@link #getSweepInterval()} it replays the entries of the
     * reasons a change of configuration cures (the device's, its installation's, its gateway's tenant's) of every
     * device that can now be resolved. Default true: devices get assigned on the clinical side, in FHIR, not
     * through this service. Reasons a fix or a decision cures are an operator's to replay.
     */
    @Bindable(defaultValue = "true")
    boolean isSweepEnabled();

    /**
     * Pause between sweeps. Each sweep looks every such device up in FHIR once, so this trades FHIR searches
     * against how soon held-back readings appear after an assignment. Default 5m.
     */
    @Bindable(defaultValue = "5m")
    Duration getSweepInterval();

    /** Entries replayed per transaction. Default 500. */
    @Bindable(defaultValue = "500")
    int getBatchSize();
}
