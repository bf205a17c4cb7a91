package io.vitalwire.mqtt.tls;

import java.nio.file.Path;

/**
 * A certificate or key file that cannot be used, with a message that names the file and says what to do: thrown at
 * start-up, where an operator reads it, never later on a connection attempt where it would only be retried.
 */
public final class TlsMaterialException extends RuntimeException {

    public TlsMaterialException(String what, Path file, String problem) {
        super(what + " " + file + ": " + problem);
    }

    public TlsMaterialException(String what, Path file, String problem, Throwable cause) {
        super(what + " " + file + ": " + problem, cause);
    }
}
