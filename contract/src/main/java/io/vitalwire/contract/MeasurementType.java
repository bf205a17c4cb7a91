package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * What was measured, coarsely: it selects the FHIR profile and the alert rules. The exact codes (MDC, LOINC) travel in
 * the reading itself.
 */
public enum MeasurementType {
    @JsonProperty("heart-rate") HEART_RATE,
    @JsonProperty("blood-pressure") BLOOD_PRESSURE,
    @JsonProperty("body-temperature") BODY_TEMPERATURE,
    @JsonProperty("body-weight") BODY_WEIGHT,
    @JsonProperty("body-height") BODY_HEIGHT,
    @JsonProperty("bmi") BMI,
    @JsonProperty("blood-glucose") BLOOD_GLUCOSE,
    @JsonProperty("oxygen-saturation") OXYGEN_SATURATION,
    @JsonProperty("pulse-rate") PULSE_RATE;

    /** The name the contract's JSON gives it ("body-temperature"), for diagnostics and events. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
