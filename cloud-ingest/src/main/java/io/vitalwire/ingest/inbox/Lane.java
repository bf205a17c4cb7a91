package io.vitalwire.ingest.inbox;

/**
 * Which entries a stage's worker claims. Every stage has workers in both lanes; the advisory lock on (stage, device)
 * keeps them from claiming one device's entries at once, whichever lane they are in.
 */
enum Lane {
    /** Every due entry: the stage's throughput. */
    ALL(""),
    /**
     * Only entries the {@code Pipeline} marked express (readings that may alert at once). Its claims are small, so an
     * alerting reading waits for at most one small claim per stage, not for the full claims of the streams beside it.
     */
    EXPRESS(" AND express");

    /** The lane's condition on {@code inbox_delivery} rows, appended to a WHERE clause. */
    final String condition;

    Lane(String condition) {
        this.condition = condition;
    }
}
