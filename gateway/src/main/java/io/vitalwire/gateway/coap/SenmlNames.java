package io.vitalwire.gateway.coap;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.gateway.normalize.Quantity;
import java.util.Map;
import java.util.Optional;

/**
 * The SenML record names and units home devices use, and what they mean. Names follow the SenML convention of a
 * device URN base name plus a measurement name ({@code "bn":"urn:dev:sn:TH-7:", "n":"body-temperature"}); units are
 * SenML units (RFC 8428 §12.1 and RFC 8798 secondary units), mapped to UCUM here. Documented in
 * gateway/README.md.
 */
final class SenmlNames {

    record Meaning(MeasurementType type, Quantity quantity) {
    }

    private static final Map<String, Meaning> NAMES = Map.ofEntries(
            Map.entry("heart-rate", new Meaning(MeasurementType.HEART_RATE, Quantity.HEART_RATE)),
            Map.entry("pulse-rate", new Meaning(MeasurementType.PULSE_RATE, Quantity.PULSE_RATE_NIBP)),
            Map.entry("systolic", new Meaning(MeasurementType.BLOOD_PRESSURE, Quantity.SYSTOLIC)),
            Map.entry("diastolic", new Meaning(MeasurementType.BLOOD_PRESSURE, Quantity.DIASTOLIC)),
            Map.entry("mean-arterial-pressure",
                    new Meaning(MeasurementType.BLOOD_PRESSURE, Quantity.MEAN_ARTERIAL_PRESSURE)),
            Map.entry("body-temperature", new Meaning(MeasurementType.BODY_TEMPERATURE, Quantity.BODY_TEMPERATURE)),
            Map.entry("body-weight", new Meaning(MeasurementType.BODY_WEIGHT, Quantity.BODY_WEIGHT)),
            Map.entry("body-height", new Meaning(MeasurementType.BODY_HEIGHT, Quantity.BODY_HEIGHT)),
            Map.entry("bmi", new Meaning(MeasurementType.BMI, Quantity.BMI)),
            Map.entry("spo2", new Meaning(MeasurementType.OXYGEN_SATURATION, Quantity.SPO2)),
            Map.entry("blood-glucose", new Meaning(MeasurementType.BLOOD_GLUCOSE, Quantity.GLUCOSE_CAPILLARY)));

    /** SenML unit → UCUM. "mg/dL" and "mmol/L" are not SenML units but what glucose meters send; accepted as is. */
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("beat/min", "/min"), Map.entry("beats/min", "/min"), Map.entry("Cel", "Cel"),
            Map.entry("kg", "kg"), Map.entry("g", "g"), Map.entry("lb", "[lb_av]"), Map.entry("m", "m"),
            Map.entry("cm", "cm"), Map.entry("%", "%"), Map.entry("mmHg", "mm[Hg]"), Map.entry("kPa", "kPa"),
            Map.entry("kg/m2", "kg/m2"), Map.entry("mg/dL", "mg/dL"), Map.entry("mmol/L", "mmol/L"));

    private SenmlNames() {
    }

    static Optional<Meaning> meaning(String name) {
        return Optional.ofNullable(NAMES.get(name));
    }

    static Optional<String> ucum(String senmlUnit) {
        return Optional.ofNullable(UNITS.get(senmlUnit));
    }
}
