package io.vitalwire.gateway.backoff;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongBinaryOperator;

/**
 * Exponential backoff with full jitter, capped: the ceiling doubles per failure from {@code min} up to {@code max},
 * and each delay is drawn uniformly between {@code min} and the ceiling, so a fleet of gateways that lost the same
 * broker, bus or device does not come back in lockstep. Not thread-safe: one per retry loop.
 */
public final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    /** (lowest, highest) → a value in [lowest, highest]; replaced in tests. */
    private final LongBinaryOperator random;
    private int failures;

    public Backoff(Duration min, Duration max) {
        this(min, max, (lo, hi) -> ThreadLocalRandom.current().nextLong(lo, hi + 1));
    }

    Backoff(Duration min, Duration max, LongBinaryOperator random) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        long ceiling = ceilingMillis();
        failures++;
        return Duration.ofMillis(random.applyAsLong(minMillis, ceiling));
    }

    /** After a success: the next failure starts again from {@code min}. */
    public void reset() {
        failures = 0;
    }

    private long ceilingMillis() {
        // Never shift a bit into the sign: min << shift stays positive.
        int shift = Math.min(failures, Long.numberOfLeadingZeros(minMillis) - 1);
        return Math.min(maxMillis, minMillis << shift);
    }
}
