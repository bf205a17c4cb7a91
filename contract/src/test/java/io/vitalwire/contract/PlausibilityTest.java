package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlausibilityTest {

    private static final BigDecimal STEP = new BigDecimal("0.00001");

    @Test
    void implausibleValue_everyBoundIsInclusive_andJustOutsideIsRefused() {
        for (Plausibility.Bound b : Plausibility.bounds()) {
            assertThat(Plausibility.implausibleValue(reading(b, b.min()))).as(b + " min").isEmpty();
            assertThat(Plausibility.implausibleValue(reading(b, b.max()))).as(b + " max").isEmpty();
            assertThat(Plausibility.implausibleValue(reading(b, b.min().subtract(STEP)))).as(b + " below").isPresent();
            assertThat(Plausibility.implausibleValue(reading(b, b.max().add(STEP)))).as(b + " above").isPresent();
        }
    }

    @Test
    void implausibleValue_namesTheFieldTypeAndBounds_neverTheValue() {
        Reading hypothermicGlitch = thermometer("-5.25");

        assertThat(Plausibility.implausibleValue(hypothermicGlitch)).hasValueSatisfying(why -> assertThat(why)
                .contains("'values[0].value'", "body-temperature", "Cel", "10 to 47")
                .doesNotContain("5.25"));
        assertThat(Plausibility.implausibleValue(thermometer("1E+20"))).isPresent();
        assertThat(Plausibility.implausibleValue(thermometer("36.8"))).isEmpty();
    }

    @Test
    void implausibleValue_judgesEachValueOfAPanel() {
        Reading bp = Samples.bloodPressure();
        Reading diastolicAbsurd = new Reading(bp.key(), bp.type(), bp.mdc(), bp.loinc(),
                List.of(bp.values().get(0), new ReadingValue("150022", "8462-4", new BigDecimal("900"), "mm[Hg]")),
                bp.device(), bp.sequence(), bp.deviceTime(), bp.measuredAt(), bp.receivedAt(),
                bp.clockOffsetMillis(), bp.clockQuality(), bp.source(), bp.flags());

        assertThat(Plausibility.implausibleValue(bp)).isEmpty();
        assertThat(Plausibility.implausibleValue(diastolicAbsurd)).hasValueSatisfying(why -> assertThat(why)
                .contains("'values[1].value'", "MDC 150022"));
    }

    /** Every unit's bounds contain the first unit's bounds converted: rounding went outwards, never inwards. */
    @Test
    void boundsInOtherUnits_containTheSameBoundsConverted() {
        Map<String, BigDecimal> perReference = Map.of("kPa", new BigDecimal("7.50062"), "g", new BigDecimal("0.001"),
                "[lb_av]", new BigDecimal("0.45359237"), "cm", new BigDecimal("0.01"),
                "[in_i]", new BigDecimal("0.0254"), "mmol/L", new BigDecimal("18.016"),
                "kg/L", new BigDecimal("100000"), "mol/L", new BigDecimal("18016"));
        int checked = 0;
        for (Plausibility.Bound b : Plausibility.bounds()) {
            BigDecimal factor = perReference.get(b.unit());
            if (factor == null) {
                continue;
            }
            Plausibility.Bound reference = Plausibility.bounds().stream()
                    .filter(r -> r.mdc().equals(b.mdc()) && !perReference.containsKey(r.unit())
                            && !r.unit().equals("[degF]"))
                    .findFirst().orElseThrow();
            assertThat(b.min().multiply(factor)).as(b + " min").isLessThanOrEqualTo(reference.min());
            assertThat(b.max().multiply(factor)).as(b + " max").isGreaterThanOrEqualTo(reference.max());
            checked++;
        }
        Plausibility.Bound fahrenheit = Plausibility.bound("150364", "[degF]").orElseThrow();
        assertThat(celsius(fahrenheit.min())).isLessThanOrEqualTo(new BigDecimal("10"));
        assertThat(celsius(fahrenheit.max())).isGreaterThanOrEqualTo(new BigDecimal("47"));
        assertThat(checked).isEqualTo(10);
    }

    @Test
    void implausibleTime_refusesTimesNoStoreOrClockCanHold() {
        Instant now = Instant.parse("2026-12-03T02:00:00Z");
        Reading bp = Samples.bloodPressure();

        assertThat(Plausibility.implausibleTime(bp, now)).isEmpty();
        assertThat(Plausibility.implausibleTime(measuredAt(bp, Instant.parse("+300000-01-01T00:00:00Z")), now))
                .hasValueSatisfying(why -> assertThat(why).contains("'measuredAt'").doesNotContain("300000"));
        assertThat(Plausibility.implausibleTime(measuredAt(bp, Instant.parse("2262-04-12T00:00:00Z")), now))
                .isPresent();
        assertThat(Plausibility.implausibleTime(measuredAt(bp, Instant.parse("1999-12-31T23:59:59Z")), now))
                .isPresent();
        assertThat(Plausibility.implausibleTime(measuredAt(bp, now.plus(25, ChronoUnit.HOURS)), now)).isPresent();
        assertThat(Plausibility.implausibleTime(measuredAt(bp, now.plus(23, ChronoUnit.HOURS)), now)).isEmpty();
        assertThat(Plausibility.implausibleTime(measuredAt(bp, Plausibility.EARLIEST_TIME), now)).isEmpty();
        Reading receivedInTheFuture = new Reading(bp.key(), bp.type(), bp.mdc(), bp.loinc(), bp.values(), bp.device(),
                bp.sequence(), bp.deviceTime(), bp.measuredAt(), now.plus(2, ChronoUnit.DAYS),
                bp.clockOffsetMillis(), bp.clockQuality(), bp.source(), bp.flags());
        assertThat(Plausibility.implausibleTime(receivedInTheFuture, now))
                .hasValueSatisfying(why -> assertThat(why).contains("'receivedAt'"));
    }

    private static BigDecimal celsius(BigDecimal fahrenheit) {
        return fahrenheit.subtract(new BigDecimal(32)).multiply(new BigDecimal(5))
                .divide(new BigDecimal(9), MathContext.DECIMAL64);
    }

    private static Reading measuredAt(Reading r, Instant at) {
        return new Reading(r.key(), r.type(), r.mdc(), r.loinc(), r.values(), r.device(), r.sequence(),
                r.deviceTime(), at, r.receivedAt(), r.clockOffsetMillis(), r.clockQuality(), r.source(), r.flags());
    }

    private static Reading thermometer(String celsius) {
        return reading(Plausibility.bound("150364", "Cel").orElseThrow(), new BigDecimal(celsius));
    }

    private static Reading reading(Plausibility.Bound b, BigDecimal value) {
        DeviceIdentity device = new DeviceIdentity(null, null, "SN-1", null, null);
        return new Reading(ReadingKey.of("gw-1", device, null, null, Samples.RECEIVED, b.mdc()), b.type(), b.mdc(),
                null, List.of(new ReadingValue(b.mdc(), null, value, b.unit())), device, null, null,
                Samples.RECEIVED, Samples.RECEIVED, null, ClockQuality.RECEIVE_TIME,
                new Source(Transport.COAP, "/readings"), List.of());
    }
}
