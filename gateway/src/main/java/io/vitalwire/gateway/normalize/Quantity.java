package io.vitalwire.gateway.normalize;

/**
 * The quantities the gateway knows, each with its IEEE 11073-10101 (MDC) code and LOINC code. The MDC code of a
 * pulse rate depends on the device that measured it (ECG strap, cuff, oximeter), as in the HL7 PHD guide.
 */
public enum Quantity {
    HEART_RATE("147842", "8867-4", "/min"),
    PULSE_RATE_NIBP("149546", "8867-4", "/min"),
    PULSE_RATE_OXIMETER("149530", "8867-4", "/min"),
    SYSTOLIC("150021", "8480-6", "mm[Hg]"),
    DIASTOLIC("150022", "8462-4", "mm[Hg]"),
    MEAN_ARTERIAL_PRESSURE("150023", "8478-0", "mm[Hg]"),
    BODY_TEMPERATURE("150364", "8310-5", null),
    BODY_WEIGHT("188736", "29463-7", null),
    BODY_HEIGHT("188740", "8302-2", null),
    BMI("188752", "39156-5", "kg/m2"),
    SPO2("150456", "59408-5", "%"),
    GLUCOSE_CAPILLARY("160184", null, null);

    private final String mdc;
    private final String loinc;
    private final String requiredUnit;

    Quantity(String mdc, String loinc, String requiredUnit) {
        this.mdc = mdc;
        this.loinc = loinc;
        this.requiredUnit = requiredUnit;
    }

    public String mdc() {
        return mdc;
    }

    /** LOINC code; for glucose it depends on the unit (mass or moles per volume), see {@link Normalizer}. */
    public String loinc() {
        return loinc;
    }

    /**
     * The UCUM unit the FHIR vital-signs profiles require, or {@code null} where several are allowed (temperature in
     * Cel or [degF], weight in kg, g or [lb_av]).
     */
    public String requiredUnit() {
        return requiredUnit;
    }
}
