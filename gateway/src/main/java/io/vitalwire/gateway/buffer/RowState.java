package io.vitalwire.gateway.buffer;

/** The states of a buffered reading. Stored by {@link #name()}; each transition is one method of ReadingBuffer. */
public enum RowState {
    /** Accepted and committed to disk; waiting for the uplink. */
    QUEUED,
    /** Claimed by the uplink and published; waiting for the broker's PUBACK. Back to QUEUED after a crash. */
    IN_FLIGHT,
    /**
     * The broker acknowledged it. The row is kept for debugging, and its key remembers the reading so that a device
     * re-sending the record is recognised, until maintenance deletes it after the acknowledged-retention — or sooner
     * when the buffer is at capacity. A record re-sent after that is forwarded again; the cloud deduplicates by key.
     */
    ACKNOWLEDGED,
    /**
     * The stored bytes no longer decrypt (another key, or altered) or decode (disk corruption, a downgrade): set aside
     * for inspection, never deleted and never sent, so that it cannot block the rows behind it.
     */
    UNREADABLE
}
