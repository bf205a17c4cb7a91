package io.vitalwire.ingest.inbox;

/**
 * Which entries a stage's worker claims. With express workers configured, a stage's own workers take the
 * {@link #OTHERS} and its express workers the {@link #EXPRESS} entries, so that a reading which may alert is never
 * taken into a claim of hundreds of stream samples; without them, the stage's workers take {@link #ALL}. The advisory
 * lock on (stage, device) keeps two claims from holding one device's entries at once, whichever lane they are in.
 */
enum Lane {
    /** Every due entry (no express workers). */
    ALL(""),
    /**
     * Only entries the {@code Pipeline} marked express (readings that may alert at once: spot measurements, few beside
     * the streams), so an alerting reading waits for a claim of its like, not for the streams' full claims.
     */
    EXPRESS(" AND express"),
    /** Everything else: the stage's throughput. */
    OTHERS(" AND NOT express");

    /** The lane's condition on {@code inbox_delivery} rows, appended to a WHERE clause. */
    final String condition;

    Lane(String condition) {
        this.condition = condition;
    }
}
