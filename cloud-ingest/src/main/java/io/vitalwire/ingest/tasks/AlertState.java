package io.vitalwire.ingest.tasks;

/**
 * Where an alert is in the care team's hands ({@code alert.state}, stored as the name). The rules stage inserts it
 * RAISED; the transitions after that are this package's, each one guarded {@code UPDATE … WHERE state = expected}:
 * RAISED → ESCALATED ({@link Escalations}, once, critical alerts only) and RAISED | ESCALATED → ACKNOWLEDGED
 * ({@link AlertLedger#acknowledge}).
 */
public enum AlertState {
    /** Decided, delivered to the webhooks, its Task owed or open; nobody has acknowledged it yet. */
    RAISED,
    /**
     * Critical and not acknowledged within {@link TasksConfig#getEscalateAfter()}: a second webhook event went out and
     * the Task was handed to the physician. Still waiting for an acknowledgement.
     */
    ESCALATED,
    /** Someone of the care team took it (who and when are on the row); its Task is completed. Final. */
    ACKNOWLEDGED
}
