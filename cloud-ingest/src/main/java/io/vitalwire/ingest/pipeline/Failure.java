package io.vitalwire.ingest.pipeline;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Why a stage's service could not take readings now; they are retried after a backoff.
 *
 * @param cause      the class of failure: the {@code cause} tag of {@code vitalwire.ingest.sink.failures}
 * @param message    what the service said; names services, never readings' values or patients
 * @param retryAfter how long the service asked us to wait ({@code Retry-After} of a 429 or 503), or null: the engine
 *                   waits at least that long, up to its longest backoff, instead of its shorter draw
 */
public record Failure(Cause cause, String message, Duration retryAfter) {

    public Failure(Cause cause, String message) {
        this(cause, message, null);
    }

    /** The same failure, with the wait the service asked for. */
    public Failure withRetryAfter(Duration wait) {
        return new Failure(cause, message, wait);
    }

    /** A closed set of failure classes. */
    public enum Cause {
        /** The service did not answer: down, unreachable, timed out. */
        UNREACHABLE,
        /** It answered with an error that may pass (5xx, 429, a conflict that outlived the sink's own retries). */
        SERVER_ERROR,
        /**
         * It refused us, not the reading: credentials, permissions (401, 403). Held like any failure, and shown as
         * failing on {@code /health} until someone fixes the configuration; the readings wait.
         */
        CONFIGURATION,
        /** Anything else, e.g. PostgreSQL failing under a store. */
        ERROR;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Classifies a thrown failure: the network's own exceptions, or the stage's service's (its client library's
     * exception types, which the engine does not know), anywhere in the cause chain.
     */
    public static Failure of(Throwable thrown, Predicate<Throwable> unreachable, Predicate<Throwable> serverError,
                             Predicate<Throwable> configuration) {
        Cause cause = Cause.ERROR;
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (configuration.test(t)) {
                cause = Cause.CONFIGURATION;
                break;
            }
            if (unreachable.test(t) || t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException) {
                cause = Cause.UNREACHABLE;
                break;
            }
            if (serverError.test(t)) {
                cause = Cause.SERVER_ERROR;
                break;
            }
        }
        return new Failure(cause, String.valueOf(thrown.getMessage()));
    }
}
