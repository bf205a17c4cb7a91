package io.vitalwire.ingest.tasks;

/**
 * Where an alert's FHIR Task stands ({@code care_task.state}, stored as the name). Transitions, each one guarded
 * {@code UPDATE … WHERE state = expected} on a row the worker holds ({@link CareTaskClaim}): PENDING → OPEN
 * ({@code opened}), OPEN → OPEN (a revision, {@code opened}), PENDING | OPEN → DONE ({@code completed}),
 * PENDING | OPEN → REJECTED ({@code rejected}); a failed attempt keeps the state and counts
 * ({@code failed}). Which write an OPEN Task owes is read from the alert's state, not stored here.
 */
public enum CareTaskState {
    /** Owed, not in FHIR yet: written at {@code next_at} (at once, or after the backoff of failed attempts). */
    PENDING,
    /**
     * In FHIR ({@code task}), as of the alert's {@code written_state}. Owes a revision when the alert moved on
     * (a {@code care_task_revision} row: escalated, acknowledged).
     */
    OPEN,
    /** Completed in FHIR after the alert was acknowledged. Final. */
    DONE,
    /**
     * Refused for good by the FHIR server (a 4xx that sending it again cannot overcome; {@code last_error} has the
     * answer). Final: nothing is retried; the alert itself and its webhooks are not affected.
     */
    REJECTED
}
