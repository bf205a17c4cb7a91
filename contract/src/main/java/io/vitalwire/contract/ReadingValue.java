package io.vitalwire.contract;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * One measured quantity. A reading has one (a heart rate) or several (systolic, diastolic and mean pressure).
 *
 * <p>The value is a decimal, never a float: the devices send decimal mantissa/exponent pairs, and the precision they
 * carry is part of the measurement. A special value (NaN, NRes, infinity) cannot be represented, by design: it is
 * never forwarded as a number.
 *
 * @param mdc   IEEE 11073-10101 code of this quantity, e.g. "150021" (systolic)
 * @param loinc LOINC code where one exists, e.g. "8480-6"; optional
 * @param value the measured value
 * @param unit  UCUM unit, case-sensitive, e.g. "mm[Hg]", "/min", "Cel", "kg", "%", "mg/dL"
 */
public record ReadingValue(String mdc, String loinc, BigDecimal value, String unit) {

    static final Pattern MDC = Pattern.compile("[0-9]{1,9}");
    static final Pattern LOINC = Pattern.compile("[0-9]{1,7}-[0-9]");
    private static final Pattern UCUM = Pattern.compile("[!-~]{1,32}");

    /**
     * Most significant digits a value may have. Devices send at most 7 (IEEE 11073 FLOAT), a binary float's
     * shortest decimal has at most 17; the bound keeps every reading small and every comparison cheap.
     */
    public static final int MAX_DIGITS = 20;
    /**
     * Largest decimal exponent either way: at most this many digits after the point, and at most this power of ten
     * (1E+20). Without it a value such as 1E+3000000 is a few bytes of JSON but three million digits once anyone
     * adds to it or prints it plainly.
     */
    public static final int MAX_SCALE = 20;

    public ReadingValue {
        FieldViolation.matching("values.mdc", mdc, MDC);
        if (loinc != null) {
            FieldViolation.matching("values.loinc", loinc, LOINC);
        }
        FieldViolation.required("values.value", value);
        if (!representable(value)) {
            throw FieldViolation.invalid("values.value", "more than " + MAX_DIGITS + " significant digits or a"
                    + " decimal exponent beyond +-" + MAX_SCALE);
        }
        FieldViolation.matching("values.unit", unit, UCUM);
    }

    /** Whether a number is within {@link #MAX_DIGITS} and {@link #MAX_SCALE}; cheap for any BigDecimal. */
    public static boolean representable(BigDecimal number) {
        return number.scale() >= -MAX_SCALE && number.scale() <= MAX_SCALE && number.precision() <= MAX_DIGITS;
    }
}
