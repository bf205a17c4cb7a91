package io.vitalwire.ingest.inbox;

/** The state of one inbox entry in one stage of the pipeline, stored as its name. */
public enum InboxState {
    /** The stage has yet to handle the entry: new, or tried and failed (attempts, last error), due again at next_at. */
    PENDING,
    /** The stage handled the entry; the outcome says how (e.g. {@code delivered Observation/12}). */
    DONE,
    /** The stage set the reading aside in the quarantine; the outcome names the reason. Final, like DONE. */
    QUARANTINED
}
