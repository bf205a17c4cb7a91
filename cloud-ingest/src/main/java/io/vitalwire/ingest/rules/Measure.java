package io.vitalwire.ingest.rules;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.ReadingValue;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a value measures, in the canonical unit its rules compare: whatever unit the device sent is converted exactly
 * as {@code domain.md} gives (1 kPa = 7.50062 mmHg; 1 lb = 0.45359237 kg; °C = (°F − 32) × 5/9; 1 kg/L glucose =
 * 100,000 mg/dL; 1 mmol/L glucose = 18.016 mg/dL), and the rule sees the unrounded result (34 significant digits).
 */
public enum Measure {
    /** SpO2, canonical %. */
    SPO2("%", Rule.SPO2),
    /** Heart or pulse rate, canonical /min. */
    HEART_RATE("/min", Rule.HEART_RATE),
    SYSTOLIC("mm[Hg]", Rule.SYSTOLIC),
    DIASTOLIC("mm[Hg]", Rule.DIASTOLIC),
    /** Body temperature, canonical Cel. */
    TEMPERATURE("Cel", Rule.TEMPERATURE),
    /** Blood glucose, canonical mg/dL. */
    GLUCOSE("mg/dL", Rule.GLUCOSE),
    /** Body weight, canonical kg: the weight-gain rules' input. */
    WEIGHT("kg", null);

    private static final MathContext EXACT = MathContext.DECIMAL128;
    private static final Set<String> HEART_RATE_CODES = Set.of("147842", "149546", "149530");
    /** Per canonical unit: the units accepted and their factor to it (temperature is converted apart). */
    private static final Map<String, Map<String, BigDecimal>> FACTORS = Map.of(
            "%", Map.of("%", BigDecimal.ONE),
            "/min", Map.of("/min", BigDecimal.ONE, "{beats}/min", BigDecimal.ONE),
            "mm[Hg]", Map.of("mm[Hg]", BigDecimal.ONE, "kPa", new BigDecimal("7.50062")),
            "mg/dL", Map.of("mg/dL", BigDecimal.ONE, "mmol/L", new BigDecimal("18.016"),
                    "mol/L", new BigDecimal("18016"), "kg/L", new BigDecimal("100000"),
                    "g/L", new BigDecimal("100"), "mg/L", new BigDecimal("0.1")),
            "kg", Map.of("kg", BigDecimal.ONE, "g", new BigDecimal("0.001"),
                    "[lb_av]", new BigDecimal("0.45359237")));

    private final String unit;
    private final Rule rule;

    Measure(String unit, Rule rule) {
        this.unit = unit;
        this.rule = rule;
    }

    /** The canonical unit (UCUM). */
    public String unit() {
        return unit;
    }

    /** The band rule of the measure; {@code null} for weight, whose rules are about gain. */
    public Rule rule() {
        return rule;
    }

    /**
     * The value of {@code v} in a reading of {@code type}, as what it measures in its canonical unit; empty when no
     * rule is about it (height, BMI, mean arterial pressure) or its unit cannot be converted.
     *
     * <p>Heart rate covers heart-rate and pulse-rate readings, and the pulse a blood-pressure cuff or an oximeter
     * reports beside its main values: a pulse of 135 /min is as alarming from a cuff as from a strap.
     */
    public static Optional<Canonical> of(MeasurementType type, ReadingValue v) {
        Measure m = measure(type, v.mdc());
        if (m == null) {
            return Optional.empty();
        }
        if (m == TEMPERATURE) {
            return switch (v.unit()) {
                case "Cel" -> Optional.of(new Canonical(m, v.value(), v));
                case "[degF]" -> Optional.of(new Canonical(m, v.value().subtract(new BigDecimal(32))
                        .multiply(new BigDecimal(5)).divide(new BigDecimal(9), EXACT), v));
                case "K" -> Optional.of(new Canonical(m, v.value().subtract(new BigDecimal("273.15")), v));
                default -> Optional.empty();
            };
        }
        BigDecimal factor = FACTORS.get(m.unit).get(v.unit());
        return factor == null ? Optional.empty()
                : Optional.of(new Canonical(m, v.value().multiply(factor, EXACT), v));
    }

    private static Measure measure(MeasurementType type, String mdc) {
        if (HEART_RATE_CODES.contains(mdc)) {
            return HEART_RATE;
        }
        return switch (mdc) {
            case "150456" -> SPO2;
            case "150021" -> SYSTOLIC;
            case "150022" -> DIASTOLIC;
            case "150364" -> TEMPERATURE;
            case "188736" -> WEIGHT;
            default -> type == MeasurementType.BLOOD_GLUCOSE && !mdc.equals("188740") ? GLUCOSE : null;
        };
    }

    /**
     * A value in its canonical unit.
     *
     * @param value    exact, unrounded
     * @param original the value as the device sent it
     */
    public record Canonical(Measure measure, BigDecimal value, ReadingValue original) {
    }
}
