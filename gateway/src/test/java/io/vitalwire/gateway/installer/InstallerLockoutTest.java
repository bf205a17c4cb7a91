package io.vitalwire.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The installer code's rate limit: per address, growing lockouts, and everyone at once. */
class InstallerLockoutTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final InstallerConfig config = new InstallerConfig();
    private final InstallerLockout lockout = new InstallerLockout(config, clock);

    @Test
    void fiveWrongCodesInARow_lockTheAddress_forTheLockout_thenItMayTryAgain() {
        for (int left = 4; left >= 1; left--) {
            assertThat(lockout.failed("192.168.1.20")).isEqualTo(new InstallerLockout.Failure.TryAgain(left));
        }
        assertThat(lockout.failed("192.168.1.20")).isEqualTo(
                new InstallerLockout.Failure.LockedOut(Duration.ofMinutes(5)));
        assertThat(lockout.lockedFor("192.168.1.20")).contains(Duration.ofMinutes(5));
        // Another address is not locked by this one's guesses.
        assertThat(lockout.lockedFor("192.168.1.21")).isEmpty();

        clock.advance(Duration.ofMinutes(4));
        assertThat(lockout.lockedFor("192.168.1.20")).contains(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(lockout.lockedFor("192.168.1.20")).isEmpty();
    }

    @Test
    void eachFurtherLockout_doubles_upToTheMaximum() {
        Duration[] expected = {Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
                Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(1)};
        config.setMaxFailuresOverall(1000);
        for (Duration lockoutLength : expected) {
            InstallerLockout.Failure last = null;
            for (int i = 0; i < config.getMaxFailures(); i++) {
                last = lockout.failed("10.0.0.7");
            }
            assertThat(last).isEqualTo(new InstallerLockout.Failure.LockedOut(lockoutLength));
            clock.advance(lockoutLength);
            assertThat(lockout.lockedFor("10.0.0.7")).isEmpty();
        }
    }

    @Test
    void theRightCode_forgetsTheAddresssFailures() {
        for (int i = 0; i < 4; i++) {
            lockout.failed("10.0.0.8");
        }
        lockout.succeeded("10.0.0.8");

        assertThat(lockout.failed("10.0.0.8")).isEqualTo(new InstallerLockout.Failure.TryAgain(4));
    }

    @Test
    void guessesFromManyAddresses_lockEveryoneOut_atTheOverallLimit() {
        InstallerLockout.Failure last = null;
        for (int i = 0; i < 20; i++) {
            last = lockout.failed("10.0.1." + i); // one guess each: no address reaches its own limit
        }

        assertThat(last).isEqualTo(new InstallerLockout.Failure.LockedOut(Duration.ofHours(1)));
        assertThat(lockout.lockedFor("10.0.9.9")).contains(Duration.ofHours(1));
        clock.advance(Duration.ofHours(1));
        assertThat(lockout.lockedFor("10.0.9.9")).isEmpty();
    }
}
