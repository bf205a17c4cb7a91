package io.vitalwire.backoff;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongBinaryOperator;

/**
 * Exponential backoff with full jitter, capped: the ceiling doubles per failure from {@code min} up to {@code max},
 * and each delay is drawn uniformly between {@code min} and the ceiling, so a fleet of gateways that lost the same
 * broker, bus or device does not come back in lockstep. Two ways to use it: {@link #next()} in a retry loop (counts
 * its own failures; not thread-safe: one per loop), and {@link #delayAfter(int)} where the failures are counted
 * elsewhere, e.g. on a database row that waits for its next attempt (stateless, thread-safe).
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

    public Backoff(Duration min, Duration max, LongBinaryOperator random) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        return delayAfter(failures++);
    }

    /**
     * The delay before the attempt that follows {@code failures} failed ones (0: the first retry waits about
     * {@code min}), drawn afresh on every call.
     */
    public Duration delayAfter(int failures) {
        return Duration.ofMillis(random.applyAsLong(minMillis, ceilingMillis(failures)));
    }

    /**
     * Like {@link #delayAfter(int)}, but no shorter than what the server asked for ({@code Retry-After}), which is
     * honoured up to {@code max} only: a server may slow us down, not park our readings for as long as it likes.
     *
     * @param asked the server's wait, or null when it asked for none
     */
    public Duration delayAfter(int failures, Duration asked) {
        Duration drawn = delayAfter(failures);
        if (asked == null) {
            return drawn;
        }
        Duration honoured = capped(asked);
        return honoured.compareTo(drawn) > 0 ? honoured : drawn;
    }

    /** {@code asked}, at most {@code max}: how long a server's {@code Retry-After} is honoured. */
    public Duration capped(Duration asked) {
        return asked.toMillis() > maxMillis ? Duration.ofMillis(maxMillis) : asked;
    }

    /** After a success: the next failure starts again from {@code min}. */
    public void reset() {
        failures = 0;
    }

    private long ceilingMillis(int failures) {
        // Never shift a bit into the sign: min << shift stays positive.
        int shift = Math.min(Math.max(0, failures), Long.numberOfLeadingZeros(minMillis) - 1);
        return Math.min(maxMillis, minMillis << shift);
    }
}
