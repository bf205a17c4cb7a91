package io.vitalwire.ingest.quarantine;

/**
 * Where a quarantine entry stands; stored as {@code name()} in {@code quarantine.state} (V18). A closed set with one
 * guarded transition per way out of {@link #AWAITING} ({@link QuarantineStore}): an entry leaves it once, for good.
 */
public enum QuarantineState {
    /** Set aside, awaiting a replay or a person's decision; each replay that left it here is counted and audited. */
    AWAITING,
    /** Its reading (or payload) went back into the pipeline, or turned out a duplicate of what the inbox holds. */
    REPLAYED,
    /** Closed by an operator with a note, never replayed; the payload stays until the retention purges it. */
    DISMISSED
}
