package io.vitalwire.gateway.coap;

/** A SenML pack that cannot be read as readings; the message says why and goes back to the device as 4.00. */
final class SenmlException extends Exception {

    SenmlException(String message) {
        super(message);
    }
}
