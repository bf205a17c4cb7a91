package io.vitalwire.gateway.coap;

/** A SenML pack that cannot be read as readings; the message says why and goes back to the device as 4.00. */
final class SenmlException extends Exception {

    private final boolean forbidden;

    SenmlException(String message) {
        this(message, false);
    }

    /** @param forbidden the pack speaks for a device other than the authenticated one: 4.03, not 4.00 */
    SenmlException(String message, boolean forbidden) {
        super(message);
        this.forbidden = forbidden;
    }

    boolean forbidden() {
        return forbidden;
    }
}
