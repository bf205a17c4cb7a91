package io.vitalwire.sims.vitals;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The values a scenario has a device measure, by name, whatever its transport: {@code heart-rate}; {@code systolic}, {@code diastolic},
 * {@code pulse} (mmHg, /min); {@code temperature} (Cel); {@code weight} (kg); {@code glucose} (mg/dL); {@code spo2}
 * (%) and {@code pulse}. Decimals as written, so a device sends exactly the digits the scenario names.
 */
public record Vitals(Map<String, BigDecimal> values) {

    public Vitals {
        values = Map.copyOf(values);
    }

    public BigDecimal value(String name) {
        BigDecimal v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("this device measures " + name + ", and the step names none");
        }
        return v;
    }

    /** A value the characteristic carries as a whole number (a heart rate, mmHg, %, mg/dL). */
    public BigDecimal integer(String name) {
        BigDecimal v = value(name);
        try {
            return new BigDecimal(v.toBigIntegerExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + " is sent as a whole number, not " + v.toPlainString(), e);
        }
    }
}
