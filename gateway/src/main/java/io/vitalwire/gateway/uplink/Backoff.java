package io.vitalwire.gateway.uplink;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, capped: a fleet of gateways that lost the same broker must not come back in
 * lockstep.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        long ceiling = Math.min(maxMillis, minMillis << Math.min(failures, 30));
        failures++;
        return Duration.ofMillis(minMillis + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - minMillis + 1)));
    }

    void reset() {
        failures = 0;
    }
}
