package io.vitalwire.gateway.intake;

/** A record cursor could not be read or saved; the readings themselves are not affected. */
public final class RecordCursorException extends RuntimeException {

    RecordCursorException(String message, Throwable cause) {
        super(message, cause);
    }
}
