package io.vitalwire.ingest.pipeline;

import io.vitalwire.ingest.quarantine.QuarantineReason;
import java.util.List;

/**
 * The readings a stage is given at once, and the outcomes it records for them: one per entry. Nothing is stored
 * until the stage returns; then the engine records every outcome in one transaction.
 */
public interface StageBatch {

    /** Every entry, device by device, each device's entries in measurement order. */
    List<StageEntry> entries();

    /** The entries grouped by device, each group in measurement order. */
    List<List<StageEntry>> byDevice();

    /** The stage handled the entry; {@code outcome} says how, with ids, never values or names. */
    void done(StageEntry entry, String outcome);

    /**
     * The pipeline's first stage decided whose reading it is: the owner is kept with the entry for every later
     * stage, so they can never disagree about it.
     */
    void owned(StageEntry entry, Owner owner, String outcome);

    /** The reading can never be taken by this stage: it is set aside with its reason, replayable after a fix. */
    void quarantined(StageEntry entry, QuarantineReason reason, String detail);

    /** The stage's service could not take the entries now: they stay pending and are tried again after a backoff. */
    void failed(List<StageEntry> entries, Failure failure);
}
