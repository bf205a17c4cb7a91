package io.vitalwire.ingest.notify;

/**
 * The state of one webhook delivery (one alert event for one endpoint), stored as its name. Transitions, each one
 * guarded {@code UPDATE … WHERE state = expected}: PENDING → DELIVERED ({@link DeliveryClaim#delivered}), PENDING →
 * PENDING with one more attempt ({@link DeliveryClaim#retry}), PENDING → DEAD ({@link DeliveryClaim#dead}, or the
 * endpoint answering 410, deleted), DEAD → PENDING ({@link DeliveryStore#replay}, by an operator).
 */
public enum DeliveryState {
    /** To be sent, not before next_at: new (due at once), or after failed attempts (attempts, last status, error). */
    PENDING,
    /** The endpoint answered 2xx. Final. */
    DELIVERED,
    /**
     * Dead-lettered: no 2xx after the last attempt of the schedule, or the endpoint answered 410 Gone or was deleted;
     * the reason says which. Listed for operators, who can replay it.
     */
    DEAD
}
