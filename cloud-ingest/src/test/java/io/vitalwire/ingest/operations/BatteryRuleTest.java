package io.vitalwire.ingest.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.ingest.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The low-battery decision at its boundaries: levels, the suppression window either side, worse severities. */
class BatteryRuleTest {

    private static final BatteryRule RULE = new BatteryRule(20, 10, Duration.ofHours(24));
    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void levels_atOrBelowTheBands() {
        assertThat(RULE.decide(21, T, null)).isEmpty();
        assertThat(RULE.decide(20, T, null)).contains(Severity.WARNING);
        assertThat(RULE.decide(11, T, null)).contains(Severity.WARNING);
        assertThat(RULE.decide(10, T, null)).contains(Severity.CRITICAL);
        assertThat(RULE.decide(0, T, null)).contains(Severity.CRITICAL);
    }

    @Test
    void suppression_forADayEitherSide_unlessWorse() {
        BatteryRule.LastAlert warned = new BatteryRule.LastAlert(Severity.WARNING, T);
        assertThat(RULE.decide(15, T.plus(Duration.ofHours(23)), warned)).isEmpty();
        assertThat(RULE.decide(15, T.minus(Duration.ofHours(2)), warned)).as("a late report").isEmpty();
        assertThat(RULE.decide(15, T.plus(Duration.ofHours(24)), warned)).contains(Severity.WARNING);
        assertThat(RULE.decide(9, T.plusSeconds(60), warned)).contains(Severity.CRITICAL);

        BatteryRule.LastAlert critical = new BatteryRule.LastAlert(Severity.CRITICAL, T);
        assertThat(RULE.decide(5, T.plusSeconds(60), critical)).isEmpty();
        assertThat(RULE.decide(15, T.plusSeconds(60), critical)).isEmpty();
        assertThat(RULE.decide(50, T.plus(Duration.ofDays(3)), critical)).isEmpty();
    }

    @Test
    void aCriticalLevelAboveTheWarningOne_isRefused() {
        assertThatThrownBy(() -> new BatteryRule(10, 20, Duration.ofHours(24)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
