package io.vitalwire.gateway.buffer;

/**
 * The states of a buffered reading. Stored by {@link #name()}; each transition is one method of ReadingBuffer.
 *
 * <p>QUEUED → IN_FLIGHT → PUBLISHED → ACKNOWLEDGED; IN_FLIGHT and PUBLISHED go back to QUEUED when the publish fails,
 * its outcome is unknown, or the receipt does not come in time. IN_FLIGHT and PUBLISHED are held in memory only: on
 * disk such a row is QUEUED, which is what it must be after a crash (see InFlightRows). ACKNOWLEDGED is on disk in
 * the acknowledged runs beside the rows (see AcknowledgedRuns).
 */
public enum RowState {
    /** Accepted and committed to disk; waiting for the uplink. */
    QUEUED,
    /** Claimed by the uplink and published; waiting for the broker's PUBACK. Back to QUEUED after a crash. */
    IN_FLIGHT,
    /**
     * The broker acknowledged it (PUBACK); waiting for cloud-ingest's receipt, which says its inbox (or its
     * quarantine) holds the reading durably. The broker's acknowledgement alone is not kept on disk: a broker
     * answers from memory and may lose what it acknowledged (a crash before its autosave, a departed consumer's
     * share of a shared subscription). Back to QUEUED after a crash, or when the receipt is overdue.
     */
    PUBLISHED,
    /**
     * Delivered: cloud-ingest's receipt named it (with receipts turned off, {@code
     * vitalwire.gateway.uplink.receipts-required=false}, the broker's PUBACK). The row is kept for debugging, and
     * its key remembers the reading so that a device re-sending the record is recognised, until maintenance deletes
     * it after the acknowledged-retention — or sooner when the buffer is at capacity. A record re-sent after that is
     * forwarded again; the cloud deduplicates by key. Not written into the row: on disk the row stays QUEUED and
     * {@link AcknowledgedRuns} names it, so that acknowledging never rewrites readings.
     */
    ACKNOWLEDGED,
    /**
     * The stored bytes no longer decrypt (another key, or altered) or decode (disk corruption, a downgrade): set aside
     * for inspection, never deleted and never sent, so that it cannot block the rows behind it.
     */
    UNREADABLE
}
