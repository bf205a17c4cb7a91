package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.notify.AlertNotice;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Care-team work in FHIR: each alert becomes one FHIR Task. {@link #raised} records in the alert's own transaction
 * that its Task is owed; {@link #wake} (after the commit) tells this replica's workers ({@link CareTaskWorkers}),
 * which write it to the FHIR server ({@link CareTaskSync}) — apart from the webhooks, so a slow or failing FHIR server
 * delays the Task and nothing else.
 */
@Singleton
public class CareTasks {

    private final CareTaskStore store;
    private final Clock clock;
    /** Wake-ups of this replica's workers; one pending wake-up is as good as many. */
    private final Semaphore work = new Semaphore(0);

    public CareTasks(CareTaskStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The alert, just inserted on {@code c} and not committed yet, is owed a Task: committed (or rolled back) with
     * it. Raising the same alert again is harmless. Asks nothing of the FHIR server.
     */
    public void raised(Connection c, AlertNotice alert) throws SQLException {
        store.owe(c, alert.id(), clock.instant());
    }

    /** After the commit: the workers of this replica write the owed Tasks now rather than at their next poll. */
    public void wake() {
        work.release();
    }

    /** The alert moved on (escalated, acknowledged) in {@code c}'s transaction: its Task owes a revision. */
    void revised(Connection c, UUID alert) throws SQLException {
        store.revise(c, alert, clock.instant());
    }

    /** Waits until woken, at most {@code timeout}; the wake-ups that came meanwhile are used up. */
    void awaitWork(Duration timeout) throws InterruptedException {
        if (work.tryAcquire(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) {
            work.drainPermits();
        }
    }
}
