package io.vitalwire.ingest.rules;

import java.util.Locale;

/**
 * The alert rules, with the ids of the admin API, overrides, webhooks and the backtest. Measurement rules compare one
 * value in canonical units; the weight-gain rules compare a gain in kg; {@code no-data} is about time.
 */
public enum Rule {
    /** SpO2, %. */
    SPO2(Kind.CLINICAL),
    /** Heart rate and pulse rate, /min. */
    HEART_RATE(Kind.CLINICAL),
    /** Systolic blood pressure, mm[Hg]. */
    SYSTOLIC(Kind.CLINICAL),
    /** Diastolic blood pressure, mm[Hg]. */
    DIASTOLIC(Kind.CLINICAL),
    /** Body temperature, Cel. */
    TEMPERATURE(Kind.CLINICAL),
    /** Blood glucose, mg/dL. */
    GLUCOSE(Kind.CLINICAL),
    /** Weight gain over the preceding 24 h, kg; patients with heart failure only. */
    WEIGHT_GAIN_24H(Kind.CLINICAL),
    /** Weight gain over the preceding 7 days, kg; patients with heart failure only. */
    WEIGHT_GAIN_7D(Kind.CLINICAL),
    /** No reading from the patient for longer than the configured silence (72 h). */
    NO_DATA(Kind.CLINICAL);

    /** Who an alert is for: the care team (clinical) or the people who run the devices (operations). */
    public enum Kind {
        CLINICAL, OPERATIONS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    Rule(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The rule's id: {@code spo2}, {@code heart-rate}, {@code weight-gain-24h}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Rule of(String id) {
        for (Rule r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("no rule '" + id + "'");
    }
}
