package io.vitalwire.gateway.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ClockSync;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OsClockSyncTest {

    @Test
    void parse_yesNoAndAnythingElse() {
        assertThat(OsClockSync.parse("yes\n")).isEqualTo(ClockSync.SYNCED);
        assertThat(OsClockSync.parse("no")).isEqualTo(ClockSync.UNSYNCED);
        assertThat(OsClockSync.parse("")).isEqualTo(ClockSync.UNKNOWN);
        assertThat(OsClockSync.parse("Failed to connect to bus")).isEqualTo(ClockSync.UNKNOWN);
    }

    @Test
    void trusted_isSynchronisedWithoutAskingTheOs() {
        assertThat(new OsClockSync("trusted").isSynchronised()).isTrue();
    }

    @Test
    void unsynced_isNotSynchronisedWhateverTheOsSays() {
        OsClockSync unsynced = new OsClockSync("unsynced");

        assertThat(unsynced.state()).isEqualTo(ClockSync.UNSYNCED);
        assertThat(unsynced.isSynchronised()).isFalse();
    }

    @Test
    void os_withoutAnAnswer_isNeverSynchronisedByAssumption() {
        // Whatever this machine says, only a "yes" from timedatectl makes it synchronised.
        OsClockSync os = new OsClockSync("os");
        assertThat(os.state()).isIn(ClockSync.SYNCED, ClockSync.UNSYNCED, ClockSync.UNKNOWN);
        assertThat(os.isSynchronised()).isEqualTo(os.state() == ClockSync.SYNCED);
    }

    @Test
    void os_clockSetBack_asksAgainAtOnce_ratherThanVouchingForHoursOnAnOldAnswer() {
        Instant start = Instant.parse("2026-12-03T12:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(start);
        Clock wall = new Clock() {
            @Override
            public Instant instant() {
                return now.get();
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
        Deque<ClockSync> answers = new ArrayDeque<>(List.of(ClockSync.SYNCED, ClockSync.UNSYNCED));
        OsClockSync os = new OsClockSync("os", wall, answers::pop);

        assertThat(os.state()).isEqualTo(ClockSync.SYNCED);
        now.set(start.plusSeconds(10));
        assertThat(os.state()).as("within the cache").isEqualTo(ClockSync.SYNCED);
        now.set(start.minus(Duration.ofHours(3)));
        assertThat(os.state()).as("after the clock was set back").isEqualTo(ClockSync.UNSYNCED);
    }

    @Test
    void unknownMode_isRefused() {
        assertThatThrownBy(() -> new OsClockSync("maybe")).isInstanceOf(IllegalArgumentException.class);
    }
}
