package io.vitalwire.gateway.ble.bluez;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, capped: a device that is out of range, or a bus that is down, is retried ever
 * less often, and many gateways that lost the same thing do not come back in lockstep.
 */
final class ReconnectBackoff {

    private final long minMillis;
    private final long maxMillis;
    private int failures;

    ReconnectBackoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        long ceiling = Math.min(maxMillis, minMillis << Math.min(failures, 30));
        failures++;
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, ceiling / 2 + 1));
        return Duration.ofMillis(Math.min(maxMillis, ceiling / 2 + jitter + minMillis / 2));
    }

    void reset() {
        failures = 0;
    }
}
