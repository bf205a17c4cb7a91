package io.vitalwire.ingest.notify;

/**
 * The state of a webhook endpoint, stored as its name. Only ENABLED endpoints get new deliveries and have theirs
 * sent.
 */
public enum EndpointState {
    /** Receives the alerts its filters match. */
    ENABLED,
    /** Paused by an operator: new alerts are not queued for it; what was queued waits and goes once it is enabled. */
    DISABLED,
    /**
     * The receiver answered 410 Gone: it wants no more deliveries. Its pending deliveries were dead-lettered with that
     * reason; an operator can enable it again (and replay them).
     */
    GONE,
    /** Deleted by an operator: kept, without its secrets, so that its deliveries stay listed. Final. */
    DELETED
}
