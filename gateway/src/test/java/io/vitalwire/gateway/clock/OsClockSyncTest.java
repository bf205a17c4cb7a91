package io.vitalwire.gateway.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ClockSync;
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
    void unknownMode_isRefused() {
        assertThatThrownBy(() -> new OsClockSync("maybe")).isInstanceOf(IllegalArgumentException.class);
    }
}
