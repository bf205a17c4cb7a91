package io.vitalwire.gateway.buffer;

/** The buffer could not complete an operation; nothing of it was committed. Callers must not acknowledge. */
public final class BufferException extends RuntimeException {

    public BufferException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
