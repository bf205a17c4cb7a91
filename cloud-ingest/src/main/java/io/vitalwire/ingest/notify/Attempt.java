package io.vitalwire.ingest.notify;

import java.time.Duration;

/** What one HTTP attempt of a delivery came to, classified for the retry decision. */
sealed interface Attempt {

    /** The receiver answered 2xx: delivered. */
    record Delivered(int status) implements Attempt {
    }

    /**
     * No 2xx.
     *
     * @param status     the HTTP status; {@code null} when there was no answer (timeout, refused, TLS failure)
     * @param error      what happened, for operators: no URL, no payload
     * @param retryAfter the receiver's {@code Retry-After}, or null
     */
    record Failed(Cause cause, Integer status, String error, Duration retryAfter) implements Attempt {
    }

    /** Why an attempt failed, which decides what follows. */
    enum Cause {
        /**
         * Worth another attempt on the schedule: any other 4xx or 5xx (429, 502, 503 and 504 say "slow down", with a
         * {@code Retry-After} honoured), a 3xx (redirects are not followed), timeouts, refused connections.
         */
        TRANSIENT,
        /** 410 Gone: the receiver wants no more deliveries; the endpoint is disabled. */
        GONE
    }
}
