package io.vitalwire.ingest.quarantine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.Reading;
import io.vitalwire.testing.GatewayReadings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The consumer's checks, which a replay applies again: judged against the time the reading arrived. */
class ReadingChecksTest {

    private static final Instant ARRIVED = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void refusal_aKeyOfAnotherGateway_isAGatewayMismatch() {
        Reading r = GatewayReadings.weight("gw-b", GatewayReadings.device("SN-1"), ARRIVED, "70.0");
        assertThat(ReadingChecks.refusal("gw-a", r, ARRIVED)).get()
                .satisfies(x -> assertThat(x.reason()).isEqualTo(QuarantineReason.GATEWAY_MISMATCH));
    }

    @Test
    void refusal_aTimeTwoDaysAheadOfItsArrival_staysImplausible_whenJudgedAWeekLater() {
        Reading ahead = GatewayReadings.weight("gw-a", GatewayReadings.device("SN-1"),
                ARRIVED.plus(Duration.ofDays(2)), "70.0");
        assertThat(ReadingChecks.refusal("gw-a", ahead, ARRIVED)).get()
                .satisfies(x -> assertThat(x.reason()).isEqualTo(QuarantineReason.IMPLAUSIBLE_TIME));
        // Judged against a later "now" it would pass: which is why a replay passes the entry's arrival time.
        assertThat(ReadingChecks.refusal("gw-a", ahead, ARRIVED.plus(Duration.ofDays(7)))).isEmpty();
    }

    @Test
    void refusal_anImplausibleValue_andAPlausibleReading() {
        Reading heavy = GatewayReadings.weight("gw-a", GatewayReadings.device("SN-1"), ARRIVED, "900");
        assertThat(ReadingChecks.refusal("gw-a", heavy, ARRIVED)).get()
                .satisfies(x -> assertThat(x.reason()).isEqualTo(QuarantineReason.IMPLAUSIBLE_VALUE));
        Reading fine = GatewayReadings.weight("gw-a", GatewayReadings.device("SN-1"), ARRIVED, "70.0");
        assertThat(ReadingChecks.refusal("gw-a", fine, ARRIVED)).isEmpty();
    }

    @Test
    void everyReason_hasACure_andOnlyTheDecisionsNeedAPerson() {
        assertThat(QuarantineReason.values()).allSatisfy(r -> assertThat(r.cure()).isNotNull());
        assertThat(java.util.Arrays.stream(QuarantineReason.values())
                .filter(r -> r.cure() == QuarantineReason.Cure.DECISION))
                .containsExactlyInAnyOrder(QuarantineReason.GATEWAY_MISMATCH, QuarantineReason.KEY_CONFLICT);
    }
}
