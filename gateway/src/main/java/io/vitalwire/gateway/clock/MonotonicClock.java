package io.vitalwire.gateway.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for deadlines and intervals: it starts at the wall clock's time of its creation and then advances with
 * {@link System#nanoTime()}, which nobody sets. A heartbeat due "in 30 s" measured on the wall clock would wait
 * three hours after the clock is set back by three hours (and the cloud would call the gateway silent), and an
 * acknowledgement deadline would expire at once after a jump forward (and send every batch in flight twice); on
 * this clock both keep their length. Its instants are for comparing with each other only, never for data.
 */
public final class MonotonicClock extends Clock {

    private final Instant origin;
    private final long originNanos;

    private MonotonicClock(Instant origin, long originNanos) {
        this.origin = origin;
        this.originNanos = originNanos;
    }

    /** Starting at {@code wall}'s current time. */
    public static MonotonicClock startingAt(Clock wall) {
        return new MonotonicClock(wall.instant(), System.nanoTime());
    }

    @Override
    public Instant instant() {
        return origin.plus(Duration.ofNanos(System.nanoTime() - originNanos));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) {
            return this;
        }
        throw new UnsupportedOperationException("a monotonic clock measures intervals; it has no time zone");
    }
}
