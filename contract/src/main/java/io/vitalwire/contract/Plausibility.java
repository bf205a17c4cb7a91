package io.vitalwire.contract;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The contract's plausibility bounds: what no living patient and no working device can produce. The gateway refuses
 * a reading outside them at the edge (it never enters the buffer); cloud-ingest applies the same bounds to what
 * arrives, so that a reading from an old or foreign gateway can never carry such a value or time into PostgreSQL,
 * InfluxDB or FHIR. One declaration for both sides, documented as a table in CONTRACT.md.
 *
 * <p>These are <em>not</em> clinical alert thresholds. They are wide on purpose: each one is past the most extreme
 * value documented in a surviving patient, or past the measuring range of any device of the kind, so that a real
 * patient, however ill, is never refused. What lies between a bound and an alert threshold is the rules' and the
 * clinician's business.
 */
public final class Plausibility {

    /**
     * Earliest {@code measuredAt} and {@code receivedAt} the contract allows. Nothing this product handles was measured
     * earlier, and device clocks that were never set typically restart at 2000-01-01 or at the epoch: such a time
     * is a clock fault, which the gateway turns into receive time; one that still arrives is refused.
     */
    public static final Instant EARLIEST_TIME = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * How far a {@code measuredAt} or {@code receivedAt} may lie ahead of the receiver's clock: the gateway's own time
     * window allows minutes, the rest covers a gateway clock that drifted while unsynchronised. A day further is a
     * clock fault, and the stores' ranges end (InfluxDB at 2262-04-11).
     */
    public static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);

    /**
     * The bounds of one quantity in one unit, inclusive.
     *
     * @param type the measurement type the quantity belongs to
     * @param mdc  IEEE 11073-10101 code of the value ({@link ReadingValue#mdc()})
     * @param unit UCUM unit of the value
     * @param why  the source of the bounds, for the table in CONTRACT.md
     */
    public record Bound(MeasurementType type, String mdc, String unit, BigDecimal min, BigDecimal max, String why) {

        boolean contains(BigDecimal value) {
            return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
        }
    }

    // Sources are cited once per quantity; other units are the same bounds converted and rounded outwards.
    private static final String HR = "lowest resting rates documented ~26/min, complete heart block escape ~20/min;"
            + " pre-excited atrial fibrillation reaches 300+/min";
    private static final String SYS = "home cuffs measure within 0-300 mm[Hg] of cuff pressure; systolic below 40 is"
            + " unmeasurable by a cuff";
    private static final String DIA = "below systolic; severe aortic regurgitation goes down to ~20 mm[Hg]";
    private static final String MAP = "between diastolic and systolic bounds";
    private static final String TEMP = "lowest core temperature survived 11.8 Cel (accidental hypothermia), highest"
            + " 46.5 Cel (heat stroke)";
    private static final String WEIGHT = "smallest surviving newborns ~0.25 kg, heaviest documented person ~635 kg";
    private static final String HEIGHT = "newborns from ~0.25 m, tallest documented person 2.72 m";
    private static final String BMI = "documented extremes ~7 (anorexia) and ~186 kg/m2";
    private static final String SPO2 = "a percentage; oximeters report 0-100";
    private static final String GLUCOSE = "meters read from 10-20 mg/dL (LO below); highest survived ~2656 mg/dL"
            + " (hyperosmolar state)";

    private static final List<Bound> BOUNDS = List.of(
            bound(MeasurementType.HEART_RATE, "147842", "/min", "20", "350", HR),
            bound(MeasurementType.PULSE_RATE, "149546", "/min", "20", "350", HR),
            bound(MeasurementType.PULSE_RATE, "149530", "/min", "20", "350", HR),
            bound(MeasurementType.BLOOD_PRESSURE, "150021", "mm[Hg]", "40", "300", SYS),
            bound(MeasurementType.BLOOD_PRESSURE, "150021", "kPa", "5.3", "40.0", SYS),
            bound(MeasurementType.BLOOD_PRESSURE, "150022", "mm[Hg]", "10", "250", DIA),
            bound(MeasurementType.BLOOD_PRESSURE, "150022", "kPa", "1.3", "33.4", DIA),
            bound(MeasurementType.BLOOD_PRESSURE, "150023", "mm[Hg]", "20", "280", MAP),
            bound(MeasurementType.BLOOD_PRESSURE, "150023", "kPa", "2.6", "37.4", MAP),
            bound(MeasurementType.BODY_TEMPERATURE, "150364", "Cel", "10", "47", TEMP),
            bound(MeasurementType.BODY_TEMPERATURE, "150364", "[degF]", "50", "116.6", TEMP),
            bound(MeasurementType.BODY_WEIGHT, "188736", "kg", "0.2", "650", WEIGHT),
            bound(MeasurementType.BODY_WEIGHT, "188736", "g", "200", "650000", WEIGHT),
            bound(MeasurementType.BODY_WEIGHT, "188736", "[lb_av]", "0.44", "1434", WEIGHT),
            bound(MeasurementType.BODY_HEIGHT, "188740", "m", "0.2", "2.8", HEIGHT),
            bound(MeasurementType.BODY_HEIGHT, "188740", "cm", "20", "280", HEIGHT),
            bound(MeasurementType.BODY_HEIGHT, "188740", "[in_i]", "7.8", "111", HEIGHT),
            bound(MeasurementType.BMI, "188752", "kg/m2", "5", "250", BMI),
            bound(MeasurementType.OXYGEN_SATURATION, "150456", "%", "0", "100", SPO2),
            bound(MeasurementType.BLOOD_GLUCOSE, "160184", "mg/dL", "5", "3000", GLUCOSE),
            bound(MeasurementType.BLOOD_GLUCOSE, "160184", "mmol/L", "0.27", "167", GLUCOSE),
            bound(MeasurementType.BLOOD_GLUCOSE, "160184", "kg/L", "0.00005", "0.03", GLUCOSE),
            bound(MeasurementType.BLOOD_GLUCOSE, "160184", "mol/L", "0.00027", "0.167", GLUCOSE));

    private static final Map<String, Bound> BY_CODE_AND_UNIT = BOUNDS.stream()
            .collect(Collectors.toUnmodifiableMap(b -> b.mdc() + " " + b.unit(), Function.identity()));

    private Plausibility() {
    }

    private static Bound bound(MeasurementType type, String mdc, String unit, String min, String max, String why) {
        return new Bound(type, mdc, unit, new BigDecimal(min), new BigDecimal(max), why);
    }

    /** Every declared bound, in the order of the table in CONTRACT.md. */
    public static List<Bound> bounds() {
        return BOUNDS;
    }

    /** The bounds of a value with this MDC code in this UCUM unit, if the contract declares any. */
    public static Optional<Bound> bound(String mdc, String unit) {
        return Optional.ofNullable(BY_CODE_AND_UNIT.get(mdc + " " + unit));
    }

    /**
     * Why a reading's values are implausible, if one is: the first value outside its declared bounds. A value whose
     * code and unit the table does not list is not judged here (the FHIR stage refuses what it cannot map).
     *
     * @return a diagnostic naming the field, type, code, unit and bounds, never the value (it goes into logs and
     *         device answers)
     */
    public static Optional<String> implausibleValue(Reading reading) {
        for (int i = 0; i < reading.values().size(); i++) {
            ReadingValue value = reading.values().get(i);
            Optional<Bound> bound = bound(value.mdc(), value.unit());
            if (bound.isPresent() && !bound.get().contains(value.value())) {
                Bound b = bound.get();
                return Optional.of("field 'values[" + i + "].value' of " + reading.type().code() + " (MDC "
                        + b.mdc() + ") in " + b.unit() + " is outside the plausible range " + b.min().toPlainString()
                        + " to " + b.max().toPlainString() + " " + b.unit());
            }
        }
        return Optional.empty();
    }

    /**
     * Why a reading's times are implausible for a receiver whose clock says {@code now}, if they are:
     * {@code measuredAt} or {@code receivedAt} before {@link #EARLIEST_TIME} or more than {@link #FUTURE_TOLERANCE}
     * ahead of {@code now}.
     *
     * @return a diagnostic naming the field and the range, never the time itself
     */
    public static Optional<String> implausibleTime(Reading reading, Instant now) {
        Instant latest = now.plus(FUTURE_TOLERANCE);
        if (outside(reading.measuredAt(), latest)) {
            return Optional.of(timeDiagnostic("measuredAt"));
        }
        if (outside(reading.receivedAt(), latest)) {
            return Optional.of(timeDiagnostic("receivedAt"));
        }
        return Optional.empty();
    }

    private static boolean outside(Instant time, Instant latest) {
        return time.isBefore(EARLIEST_TIME) || time.isAfter(latest);
    }

    private static String timeDiagnostic(String field) {
        return "field '" + field + "' is outside the plausible times, from " + EARLIEST_TIME + " to the receiver's"
                + " clock plus " + FUTURE_TOLERANCE.toHours() + " h";
    }
}
