package io.vitalwire.ingest.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.api.Test;

/**
 * The rules on their own, against the defaults of domain.md: each rule at its boundaries in every unit, spot against
 * sustained, suppression and escalation, late marking, overrides, weight gain over windows, no-data.
 */
class RuleEngineTest {

    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");
    private static final DeviceIdentity DEVICE = new DeviceIdentity(null, null, "DEV-1", null, null);

    private final RuleEngine engine = new RuleEngine(RuleSettings.DEFAULTS);
    private final PatientProfile patient = new PatientProfile("p1", Set.of(), Thresholds.defaults());
    private final PatientProfile heartFailure = new PatientProfile("p1", Set.of(Condition.HEART_FAILURE),
            Thresholds.defaults());
    private int sequence;

    /** Every boundary of every band, in every accepted unit (the table is shared with RuleBoundariesIT). */
    @ParameterizedTest(name = "{0} {1} {2} → {3}")
    @CsvFileSource(resources = "/rules/boundaries.csv", delimiter = ',', ignoreLeadingAndTrailingWhitespace = true)
    void aSpotMeasurement_firesAtOnce_atItsBand(String rule, String value, String unit, String expected) {
        List<Alert> alerts = engine.evaluate(patient, new PatientRuleState(), spot(rule, value, unit, T0), T0);
        if (expected.equals("-")) {
            assertThat(alerts).isEmpty();
        } else {
            String ruleId = rule.equals("pulse-rate") ? "heart-rate" : rule;
            assertThat(alerts).singleElement().satisfies(a -> {
                assertThat(a.rule().id()).isEqualTo(ruleId);
                assertThat(a.severity().id()).isEqualTo(expected);
                assertThat(a.value()).isEqualByComparingTo(value);
                assertThat(a.unit()).isEqualTo(unit);
                assertThat(a.late()).isFalse();
                assertThat(a.patient()).isEqualTo("p1");
            });
        }
    }

    @Test
    void aStreamSample_firesOnlyWhenSustained_threeInARow() {
        PatientRuleState state = new PatientRuleState();
        assertThat(sample(state, "135", 0)).isEmpty();
        assertThat(sample(state, "135", 1)).isEmpty();
        assertThat(sample(state, "80", 2)).as("the run is broken").isEmpty();
        assertThat(sample(state, "135", 3)).isEmpty();
        assertThat(sample(state, "135", 4)).isEmpty();
        assertThat(sample(state, "136", 5)).singleElement()
                .satisfies(a -> assertThat(a.severity()).as("both bands sustained together: one critical")
                        .isEqualTo(Severity.CRITICAL));
    }

    @Test
    void aSustainedAlert_hasTheSeverityOfTheSustainedBand_notOfTheLastSample() {
        PatientRuleState state = new PatientRuleState();
        assertThat(sample(state, "115", 0)).isEmpty();
        assertThat(sample(state, "115", 1)).isEmpty();
        assertThat(sample(state, "140", 2)).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
        assertThat(sample(state, "140", 3)).isEmpty();
        assertThat(sample(state, "140", 4)).as("critical sustained now: worse, alerts inside the window")
                .singleElement().satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
    }

    @Test
    void aStreamSample_beyondForTwoMinutes_isSustained_butAGapEndsTheRun() {
        PatientRuleState state = new PatientRuleState();
        assertThat(sample(state, "45", 0)).isEmpty();
        assertThat(sample(state, "45", 120)).as("two samples two minutes apart, both beyond").singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));

        PatientRuleState gap = new PatientRuleState();
        assertThat(sample(gap, "45", 0)).isEmpty();
        assertThat(sample(gap, "45", 600)).as("ten minutes without a sample: the sensor was off").isEmpty();
        assertThat(sample(gap, "45", 601)).isEmpty();
    }

    @Test
    void suppression_oneAlertPerRuleWithinTheWindow_worseAgain_andAgainAfterIt() {
        PatientRuleState state = new PatientRuleState();
        assertThat(engine.evaluate(patient, state, spot("systolic", "165", "mm[Hg]", T0), T0)).hasSize(1);
        Instant later = T0.plus(Duration.ofMinutes(30));
        assertThat(engine.evaluate(patient, state, spot("systolic", "170", "mm[Hg]", later), later)).isEmpty();
        assertThat(engine.evaluate(patient, state, spot("diastolic", "105", "mm[Hg]", later), later))
                .as("another rule is not suppressed").hasSize(1);
        Instant worse = T0.plus(Duration.ofMinutes(40));
        assertThat(engine.evaluate(patient, state, spot("systolic", "185", "mm[Hg]", worse), worse))
                .singleElement().satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
        Instant warningAgain = T0.plus(Duration.ofMinutes(61));
        assertThat(engine.evaluate(patient, state, spot("systolic", "165", "mm[Hg]", warningAgain), warningAgain))
                .as("the critical one, 21 minutes ago, still covers a warning").isEmpty();
        Instant after = worse.plus(Duration.ofMinutes(60));
        assertThat(engine.evaluate(patient, state, spot("systolic", "165", "mm[Hg]", after), after))
                .as("still abnormal after the window").hasSize(1);
    }

    @Test
    void aLateReading_isEvaluatedOnItsMeasurementTime_markedLate_andDoesNotUnlockTodaysSuppression() {
        PatientRuleState state = new PatientRuleState();
        Instant now = T0.plus(Duration.ofHours(6));
        assertThat(engine.evaluate(patient, state, spot("spo2", "90", "%", now), now)).hasSize(1);
        Instant measured = T0;
        assertThat(engine.evaluate(patient, state, spot("spo2", "90", "%", measured), now)).singleElement()
                .satisfies(a -> {
                    assertThat(a.late()).isTrue();
                    assertThat(a.measuredAt()).isEqualTo(measured);
                });
        assertThat(engine.evaluate(patient, state, spot("spo2", "90", "%", measured.plusSeconds(60)), now))
                .as("the backlog's own window").isEmpty();
        Instant next = now.plus(Duration.ofMinutes(10));
        assertThat(engine.evaluate(patient, state, spot("spo2", "90", "%", next), next))
                .as("today's alert still suppresses today's repeat").isEmpty();
        Instant exactlyAnHour = T0.plus(Duration.ofHours(10));
        assertThat(engine.evaluate(patient, new PatientRuleState(), spot("spo2", "90", "%", exactlyAnHour),
                exactlyAnHour.plus(Duration.ofHours(1)))).singleElement()
                .satisfies(a -> assertThat(a.late()).as("arrived exactly 1 h after: not late").isFalse());
    }

    @Test
    void anUncorrectedDeviceTime_cannotProveAReadingFresh_norHideASilence() {
        Instant arrived = T0.plus(Duration.ofHours(5));
        // The device says it measured a minute ago; nothing vouches for its clock, and the gateway got it 5 h ago.
        Reading claimsFresh = clocked(spot("temperature", "39.6", "Cel", arrived.minusSeconds(60)),
                ClockQuality.UNCORRECTED, T0);
        assertThat(engine.evaluate(patient, new PatientRuleState(), claimsFresh, arrived)).singleElement()
                .satisfies(a -> {
                    assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
                    assertThat(a.late()).as("held 5 h at the gateway").isTrue();
                });
        Reading synced = clocked(spot("temperature", "39.6", "Cel", arrived.minusSeconds(60)), ClockQuality.SYNCED, T0);
        assertThat(engine.evaluate(patient, new PatientRuleState(), synced, arrived)).singleElement()
                .satisfies(a -> assertThat(a.late()).as("a vouched-for time decides alone").isFalse());
        Reading justReceived = clocked(spot("temperature", "39.6", "Cel", arrived.minusSeconds(60)),
                ClockQuality.UNCORRECTED, arrived.minusSeconds(30));
        assertThat(engine.evaluate(patient, new PatientRuleState(), justReceived, arrived)).singleElement()
                .satisfies(a -> assertThat(a.late()).isFalse());

        // A device clock a year ahead: the silence after it still counts from the reading's arrival.
        PatientRuleState state = new PatientRuleState();
        Reading ahead = clocked(spot("temperature", "36.8", "Cel", T0.plus(Duration.ofDays(365))),
                ClockQuality.UNCORRECTED, T0);
        assertThat(engine.evaluate(patient, state, ahead, T0)).isEmpty();
        assertThat(state.lastMeasuredAt()).isEqualTo(T0);
        assertThat(engine.tick(patient, state, T0.plus(Duration.ofHours(73)))).singleElement()
                .satisfies(a -> assertThat(a.rule()).isEqualTo(Rule.NO_DATA));
    }

    private static Reading clocked(Reading r, ClockQuality quality, Instant receivedAt) {
        return new Reading(r.key(), r.type(), r.mdc(), r.loinc(), r.values(), r.device(), r.sequence(), r.deviceTime(),
                r.measuredAt(), receivedAt, r.clockOffsetMillis(), quality, r.source(), r.flags());
    }

    @Test
    void overrides_replaceABandPerSeverity_inCanonicalUnits() throws Exception {
        Thresholds copd = Thresholds.defaults().overriddenBy(new ObjectMapper().readTree(
                "{\"spo2\": {\"warning\": {\"lt\": 88}, \"critical\": {\"lt\": 85}}, "
                        + "\"temperature\": {\"critical\": null}, \"heart-rate\": {\"warning\": {\"gt\": 100}}}"));
        PatientProfile p = new PatientProfile("p2", Set.of(Condition.COPD), copd);
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("spo2", "89", "%", T0), T0)).isEmpty();
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("spo2", "87", "%", T0), T0)).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("spo2", "84.9", "%", T0), T0)).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.CRITICAL));
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("temperature", "40", "Cel", T0), T0))
                .as("critical switched off, the warning band still holds").singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo(Severity.WARNING));
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("heart-rate", "45", "/min", T0), T0))
                .as("the warning band replaced whole: < 50 is gone").isEmpty();
        assertThat(engine.evaluate(p, new PatientRuleState(), spot("heart-rate", "101", "/min", T0), T0))
                .hasSize(1);

        assertThatThrownBy(() -> Thresholds.defaults().overriddenBy(new ObjectMapper().readTree(
                "{\"spo2\": {\"warning\": {\"below\": 88}}}"))).hasMessageContaining("below");
        assertThatThrownBy(() -> Thresholds.defaults().overriddenBy(new ObjectMapper().readTree(
                "{\"pulse\": {}}"))).hasMessageContaining("pulse");
        assertThatThrownBy(() -> Thresholds.defaults().overriddenBy(new ObjectMapper().readTree(
                "{\"spo2\": {\"warning\": {\"lt\": \"88\"}}}"))).hasMessageContaining("number");
    }

    @Test
    void weightGain_againstTheLowestWeightOfTheWindow_onlyForHeartFailure() {
        PatientRuleState state = new PatientRuleState();
        assertThat(weigh(heartFailure, state, "80.0", T0)).isEmpty();
        assertThat(weigh(heartFailure, state, "79.5", T0.plus(Duration.ofHours(10)))).isEmpty();
        assertThat(weigh(heartFailure, state, "80.3", T0.plus(Duration.ofHours(20)))).as("0.8 kg over 79.5").isEmpty();
        assertThat(weigh(heartFailure, state, "80.41", T0.plus(Duration.ofHours(22)))).singleElement()
                .satisfies(a -> {
                    assertThat(a.rule()).isEqualTo(Rule.WEIGHT_GAIN_24H);
                    assertThat(a.value()).isEqualByComparingTo("80.41");
                });

        PatientRuleState week = new PatientRuleState();
        List<Alert> all = new ArrayList<>();
        String[] kg = {"80.0", "80.5", "81.0", "81.5", "81.9", "82.2", "82.35"};
        for (int day = 0; day < kg.length; day++) {
            all.addAll(weigh(heartFailure, week, kg[day], T0.plus(Duration.ofDays(day))));
        }
        assertThat(all).extracting(Alert::rule).containsExactly(Rule.WEIGHT_GAIN_7D);

        PatientRuleState pounds = new PatientRuleState();
        weigh(heartFailure, pounds, "176.0", "[lb_av]", T0);
        assertThat(weigh(heartFailure, pounds, "178.0", "[lb_av]", T0.plus(Duration.ofHours(12))))
                .as("2 lb = 0.907 kg > 0.9 kg").extracting(Alert::rule).containsExactly(Rule.WEIGHT_GAIN_24H);

        PatientRuleState noHf = new PatientRuleState();
        weigh(patient, noHf, "80.0", T0);
        assertThat(weigh(patient, noHf, "83.0", T0.plus(Duration.ofHours(12)))).isEmpty();
    }

    @Test
    void noData_afterSeventyTwoHoursOfSilence_oncePerSilence() {
        PatientRuleState state = new PatientRuleState();
        assertThat(engine.tick(patient, state, T0)).as("never measured: no baseline").isEmpty();
        engine.evaluate(patient, state, spot("spo2", "97", "%", T0), T0);
        assertThat(engine.tick(patient, state, T0.plus(Duration.ofHours(72)))).isEmpty();
        assertThat(engine.tick(patient, state, T0.plus(Duration.ofHours(72)).plusSeconds(1))).singleElement()
                .satisfies(a -> {
                    assertThat(a.rule()).isEqualTo(Rule.NO_DATA);
                    assertThat(a.readingKey()).isNull();
                });
        assertThat(engine.tick(patient, state, T0.plus(Duration.ofHours(100)))).isEmpty();
        Instant back = T0.plus(Duration.ofHours(101));
        engine.evaluate(patient, state, spot("spo2", "97", "%", back), back);
        assertThat(engine.tick(patient, state, back.plus(Duration.ofHours(73)))).hasSize(1);
    }

    private List<Alert> sample(PatientRuleState state, String bpm, long seconds) {
        Instant at = T0.plusSeconds(seconds);
        Reading r = new Reading(ReadingKey.of("gw", DEVICE, null, null, at, "147842"), MeasurementType.HEART_RATE,
                "147842", "8867-4", List.of(new ReadingValue("147842", "8867-4", new BigDecimal(bpm), "/min")),
                DEVICE, null, null, at, at, null, ClockQuality.RECEIVE_TIME, new Source(Transport.BLE, "2A37"),
                List.of());
        return engine.evaluate(patient, state, r, at);
    }

    private List<Alert> weigh(PatientProfile p, PatientRuleState state, String kg, Instant at) {
        return weigh(p, state, kg, "kg", at);
    }

    private List<Alert> weigh(PatientProfile p, PatientRuleState state, String value, String unit, Instant at) {
        return engine.evaluate(p, state, spot("weight", value, unit, at), at);
    }

    private Reading spot(String rule, String value, String unit, Instant at) {
        MeasurementType type;
        String mdc;
        switch (rule) {
            case "spo2" -> { type = MeasurementType.OXYGEN_SATURATION; mdc = "150456"; }
            case "heart-rate" -> { type = MeasurementType.HEART_RATE; mdc = "147842"; }
            case "pulse-rate" -> { type = MeasurementType.PULSE_RATE; mdc = "149530"; }
            case "systolic" -> { type = MeasurementType.BLOOD_PRESSURE; mdc = "150021"; }
            case "diastolic" -> { type = MeasurementType.BLOOD_PRESSURE; mdc = "150022"; }
            case "temperature" -> { type = MeasurementType.BODY_TEMPERATURE; mdc = "150364"; }
            case "glucose" -> { type = MeasurementType.BLOOD_GLUCOSE; mdc = "160184"; }
            case "weight" -> { type = MeasurementType.BODY_WEIGHT; mdc = "188736"; }
            default -> throw new IllegalArgumentException(rule);
        }
        long seq = ++sequence;
        return new Reading(ReadingKey.of("gw", DEVICE, seq, null, at, mdc), type, mdc, null,
                List.of(new ReadingValue(mdc, null, new BigDecimal(value), unit)), DEVICE, seq, null, at, at, null,
                ClockQuality.SYNCED, new Source(Transport.COAP, "/readings"), List.of());
    }
}
