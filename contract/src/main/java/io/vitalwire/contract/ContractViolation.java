package io.vitalwire.contract;

/**
 * A message that does not satisfy the contract. Thrown by {@link ContractCodec} and {@link Topic#parse}; the
 * {@link Reason} is what operators count and filter quarantined messages by, the message says what exactly is wrong.
 */
public final class ContractViolation extends Exception {

    /** Closed set of rejection reasons: each one is a metric label and a quarantine column, so keep it short. */
    public enum Reason {
        /** Not parseable as JSON at all, or not a JSON object. */
        MALFORMED,
        /** The payload's or the topic's major version is one this build does not speak. */
        UNSUPPORTED_VERSION,
        /** A required field is absent. */
        MISSING_FIELD,
        /** A field is present but its value breaks the contract (bad code, unit, range, format). */
        INVALID_VALUE,
        /** The topic is not one of ours, or the payload claims another gateway than the topic. */
        INVALID_TOPIC,
        /** The payload exceeds {@link ContractCodec#MAX_MESSAGE_BYTES} or the batch limit. */
        TOO_LARGE
    }

    private final Reason reason;

    public ContractViolation(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ContractViolation(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
