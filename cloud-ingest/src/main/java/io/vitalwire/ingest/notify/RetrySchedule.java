package io.vitalwire.ingest.notify;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: Standard Webhooks' fixed steps ({@link NotifyConfig#getRetryDelays()}),
 * each drawn within ± the jitter, or a longer {@code Retry-After} of the receiver, up to the longest step. After
 * the last step's attempt fails, none: the delivery is dead-lettered.
 *
 * <p>Not the shared {@code io.vitalwire.backoff.Backoff}: that one doubles from a minimum up to a ceiling, while the
 * specification prescribes these steps (seconds first, then hours, three days in all), which receivers' operators
 * know and plan outages around. Only the jitter is drawn here.
 */
final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;
    private final Duration longest;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1) */
    RetrySchedule(List<Duration> delays, double jitter, DoubleSupplier random) {
        if (jitter < 0 || jitter > 0.5) {
            throw new IllegalArgumentException("vitalwire.ingest.notify.retry-jitter must be within 0..0.5");
        }
        if (delays.stream().anyMatch(Duration::isNegative)) {
            throw new IllegalArgumentException("vitalwire.ingest.notify.retry-delays must not be negative");
        }
        this.delays = List.copyOf(delays);
        this.jitter = jitter;
        this.longest = delays.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        this.random = random;
    }

    /** Attempts in all: the first, at once, and one per step. */
    int attempts() {
        return delays.size() + 1;
    }

    /**
     * @param failedAttempts attempts made so far, all failed (1 after the first)
     * @param retryAfter     the receiver's {@code Retry-After} of the last one, or null
     * @return the wait before the next attempt; empty when there is none
     */
    Optional<Duration> next(int failedAttempts, Duration retryAfter) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        Duration step = delays.get(failedAttempts - 1);
        Duration wait = Duration.ofMillis(Math.round(step.toMillis() * (1 - jitter + 2 * jitter
                * random.getAsDouble())));
        if (retryAfter == null) {
            return Optional.of(wait);
        }
        // Capped: a receiver asking for a pause longer than the schedule's longest step would otherwise park the
        // alert for as long as it likes.
        Duration asked = retryAfter.compareTo(longest) > 0 ? longest : retryAfter;
        return Optional.of(asked.compareTo(wait) > 0 ? asked : wait);
    }
}
