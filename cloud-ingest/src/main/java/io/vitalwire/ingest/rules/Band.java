package io.vitalwire.ingest.rules;

import java.math.BigDecimal;
import java.util.List;

/**
 * The values of one severity of a rule: those beyond any of its limits (e.g. heart rate {@code > 110 or < 50}). A
 * band without limits holds no value: that severity is off.
 */
public record Band(List<Comparison> limits) {

    public static final Band OFF = new Band(List.of());

    public Band {
        limits = List.copyOf(limits);
    }

    public static Band any(Comparison... limits) {
        return new Band(List.of(limits));
    }

    public boolean holds(BigDecimal value) {
        for (Comparison c : limits) {
            if (c.holds(value)) {
                return true;
            }
        }
        return false;
    }
}
