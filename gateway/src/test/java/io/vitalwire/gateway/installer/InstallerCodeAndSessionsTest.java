package io.vitalwire.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.testing.SettableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installer code on the label, and the sessions it opens. */
class InstallerCodeAndSessionsTest {

    @TempDir
    Path dir;

    @Test
    void aHubWithoutACode_generatesOne_readableByItsOwnerOnly_andKeepsIt() throws Exception {
        Path file = dir.resolve("state").resolve("installer-code");
        InstallerCode first = new InstallerCode(file);

        String written = Files.readString(file).trim();
        assertThat(written).matches("[" + InstallerCode.ALPHABET + "]{5}-[" + InstallerCode.ALPHABET + "]{5}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.matches(written)).isTrue();
        // A restart reads the same code: the label stays right.
        assertThat(new InstallerCode(file).matches(written)).isTrue();
    }

    @Test
    void theCode_isMatchedAsPeopleTypeIt_andNothingElse() throws Exception {
        Path file = dir.resolve("installer-code");
        Files.writeString(file, "7KQ2M-XR4PD\n");
        InstallerCode code = new InstallerCode(file);

        assertThat(code.matches("7KQ2M-XR4PD")).isTrue();
        assertThat(code.matches("7kq2m xr4pd")).isTrue();
        assertThat(code.matches("7KQ2MXR4PD")).isTrue();
        assertThat(code.matches("7KQ2M-XR4PE")).isFalse();
        assertThat(code.matches("7KQ2M-XR4P")).isFalse();
        assertThat(code.matches("")).isFalse();
        assertThat(code.matches(null)).isFalse();
        assertThat(code.matches("7KQ2M-XR4PD%")).isFalse();
    }

    @Test
    void generatedCodes_differ_andUseNoLookAlikes() {
        SecureRandom random = new SecureRandom();
        String a = InstallerCode.generate(random);
        String b = InstallerCode.generate(random);

        assertThat(a).isNotEqualTo(b);
        assertThat(a + b).doesNotContainPattern("[01OIL]");
    }

    @Test
    void aSession_endsWhenIdle_orAtItsMaximum_orWhenEnded() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-03T10:00:00Z"));
        InstallerConfig config = new InstallerConfig();
        InstallerSessions sessions = new InstallerSessions(config, clock);

        String idle = sessions.begin();
        clock.advance(Duration.ofMinutes(14));
        assertThat(sessions.use(idle)).isTrue();
        clock.advance(Duration.ofMinutes(15));
        assertThat(sessions.use(idle)).as("unused for 15 min").isFalse();

        String busy = sessions.begin();
        for (int i = 0; i < 23; i++) {
            clock.advance(Duration.ofMinutes(10));
            assertThat(sessions.use(busy)).isTrue();
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(sessions.use(busy)).as("4 h after it began").isFalse();

        String ended = sessions.begin();
        sessions.end(ended);
        assertThat(sessions.use(ended)).isFalse();
        assertThat(sessions.use("not-a-token")).isFalse();
        assertThat(sessions.use(null)).isFalse();
    }

    @Test
    void atMostEightSessions_theOldestGoesFirst() {
        SettableClock clock = new SettableClock(Instant.parse("2026-12-03T10:00:00Z"));
        InstallerSessions sessions = new InstallerSessions(new InstallerConfig(), clock);
        String oldest = sessions.begin();
        for (int i = 0; i < InstallerSessions.MAX_SESSIONS; i++) {
            clock.advance(Duration.ofSeconds(1));
            sessions.begin();
        }

        assertThat(sessions.use(oldest)).isFalse();
    }
}
