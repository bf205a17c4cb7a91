package io.vitalwire.gateway.buffer;

/**
 * The buffer could not complete an operation; nothing of it was committed. Callers must not acknowledge. Retrying
 * later is safe: the device keeps what it was not told is durable.
 */
public sealed class BufferException extends RuntimeException permits BufferFullException {

    public BufferException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    BufferException(String message) {
        super(message);
    }
}
