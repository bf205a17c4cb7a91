package io.vitalwire.gateway.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OffsetFileClockTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void instant_isTheSystemClockMovedByTheFile_reReadWhileRunning_keepingTheLastGoodOffset() throws Exception {
        Path file = dir.resolve("offset");
        OffsetFileClock clock = new OffsetFileClock(file, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(clock.instant()).as("no file yet").isEqualTo(NOW);

        Files.writeString(file, "PT3H\n");
        Thread.sleep(OffsetFileClock.REREAD.multipliedBy(2).toMillis());
        assertThat(clock.instant()).isEqualTo(NOW.plus(Duration.ofHours(3)));

        Files.writeString(file, "-PT2H");
        Thread.sleep(OffsetFileClock.REREAD.multipliedBy(2).toMillis());
        assertThat(clock.instant()).isEqualTo(NOW.minus(Duration.ofHours(2)));

        Files.writeString(file, "soon");
        Thread.sleep(OffsetFileClock.REREAD.multipliedBy(2).toMillis());
        assertThat(clock.instant()).as("unparsable: the last offset stays").isEqualTo(NOW.minus(Duration.ofHours(2)));
    }

    @Test
    void monotonicClock_startsAtTheWallClock_andIsNotMovedBySettingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("offset"), "PT0S");
        OffsetFileClock wall = new OffsetFileClock(file, Clock.systemUTC());
        MonotonicClock timers = MonotonicClock.startingAt(wall);
        Instant before = timers.instant();

        Files.writeString(file, "-PT6H");
        Thread.sleep(OffsetFileClock.REREAD.multipliedBy(2).toMillis());

        assertThat(Duration.between(wall.instant(), timers.instant())).isGreaterThan(Duration.ofHours(5));
        assertThat(timers.instant()).isAfter(before).isBefore(before.plusSeconds(10));
    }
}
