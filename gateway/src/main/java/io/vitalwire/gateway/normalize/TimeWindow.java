package io.vitalwire.gateway.normalize;

import java.time.Duration;
import java.time.Instant;

/**
 * The window around the gateway's receive time within which a device's (corrected) time is used as the measurement
 * time; see {@link TimeWindowConfig}.
 */
public record TimeWindow(Duration maxPast, Duration maxFuture) {

    /** The documented defaults of {@link TimeWindowConfig}. */
    public static final TimeWindow DEFAULT = new TimeWindow(Duration.ofDays(400), Duration.ofMinutes(10));

    public TimeWindow {
        if (maxPast.isNegative() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("a time window cannot be negative");
        }
    }

    public static TimeWindow of(TimeWindowConfig config) {
        return new TimeWindow(config.getMaxPast(), config.getMaxFuture());
    }

    boolean contains(Instant measuredAt, Instant receivedAt) {
        return !measuredAt.isBefore(receivedAt.minus(maxPast)) && !measuredAt.isAfter(receivedAt.plus(maxFuture));
    }
}
