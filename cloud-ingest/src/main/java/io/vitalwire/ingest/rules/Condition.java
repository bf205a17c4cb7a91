package io.vitalwire.ingest.rules;

/**
 * The patient conditions the rules know, with the ids of the backtest and patient settings. Heart failure enables the
 * weight-gain rules; it comes from the patient's active FHIR {@code Condition} (SNOMED CT 84114007 and
 * descendants in use, ICD-10 I50.x) or the patient's settings.
 */
public enum Condition {
    HEART_FAILURE("heart-failure"),
    COPD("copd"),
    DIABETES_TYPE_1("diabetes-type-1"),
    DIABETES_TYPE_2("diabetes-type-2"),
    HYPERTENSION("hypertension");

    private final String id;

    Condition(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Condition of(String id) {
        for (Condition c : values()) {
            if (c.id.equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no condition '" + id + "' (heart-failure, copd, diabetes-type-1, "
                + "diabetes-type-2, hypertension)");
    }
}
