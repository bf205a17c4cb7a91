package io.vitalwire.backoff;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** With the draw pinned to the top of its range, the delays show the ceiling: doubling, then capped. */
    @Test
    void next_ceilingDoublesFromMinUpToMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), (lo, hi) -> hi);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            delays.add(b.next().toMillis());
        }
        assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    }

    /** Full jitter: every delay is drawn from [min, ceiling]. */
    @Test
    void next_drawsBetweenMinAndTheCeiling() {
        List<long[]> ranges = new ArrayList<>();
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), (lo, hi) -> {
            ranges.add(new long[] {lo, hi});
            return lo;
        });
        for (int i = 0; i < 3; i++) {
            assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
        }
        assertThat(ranges).extracting(r -> r[0]).containsOnly(100L);
        assertThat(ranges).extracting(r -> r[1]).containsExactly(100L, 200L, 400L);
    }

    @Test
    void next_realRandom_staysWithinBoundsAndNeverOverflows() {
        Backoff b = new Backoff(Duration.ofMillis(3), Duration.ofDays(365));
        for (int i = 0; i < 200; i++) {
            Duration d = b.next();
            assertThat(d).isBetween(Duration.ofMillis(3), Duration.ofDays(365));
        }
    }

    @Test
    void reset_startsAgainFromMin() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), (lo, hi) -> hi);
        b.next();
        b.next();
        b.next();
        b.reset();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
    }

    /** The stateless form gives the same ceilings for a failure count kept elsewhere, and never a negative shift. */
    @Test
    void delayAfter_followsTheFailureCount() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), (lo, hi) -> hi);
        assertThat(b.delayAfter(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delayAfter(3)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delayAfter(1_000)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(b.delayAfter(-1)).isEqualTo(Duration.ofMillis(100));
    }

    /** A server's Retry-After wins over a shorter draw, up to max; a shorter one changes nothing. */
    @Test
    void delayAfter_honoursTheServersWaitUpToMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000), (lo, hi) -> hi);
        assertThat(b.delayAfter(0, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(b.delayAfter(0, Duration.ofHours(1))).isEqualTo(Duration.ofMillis(1_000));
        assertThat(b.delayAfter(2, Duration.ofMillis(50))).isEqualTo(Duration.ofMillis(400));
        assertThat(b.delayAfter(2, null)).isEqualTo(Duration.ofMillis(400));
    }
}
