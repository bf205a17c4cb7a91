package io.vitalwire.ingest.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Bookkeeping in cloud-ingest's own PostgreSQL that is written in the transaction of the stage it follows, when that
 * stage's claim commits, instead of being a stage with rows, claims and workers of its own: declared with
 * {@link Pipeline.Builder#tally}. Only for work that needs nothing but the database the inbox is in — a service of
 * its own (FHIR, InfluxDB, a webhook) is a {@link Stage}, since it fails on its own and must not hold back the rest.
 *
 * <p>It commits or rolls back with the stage's outcomes: a failure here fails the claim's commit, its entries stay
 * pending in the stage and are handled again (after the worker's database backoff), so a tally must be idempotent.
 * It is the claim's last statement: any row locks it takes are held only until the commit that follows.
 */
public interface Tally {

    /** The tally's name, for logs and the pipeline's description. */
    String name();

    /**
     * Records the entries the stage finished with (DONE, each with its {@link StageEntry#owner()} as decided by the
     * pipeline's first stage), in the stage's transaction {@code transaction}; never commits it.
     */
    void record(Connection transaction, List<StageEntry> finished) throws SQLException;
}
