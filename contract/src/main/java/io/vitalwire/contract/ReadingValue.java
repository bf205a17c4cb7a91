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

    public ReadingValue {
        FieldViolation.matching("values.mdc", mdc, MDC);
        if (loinc != null) {
            FieldViolation.matching("values.loinc", loinc, LOINC);
        }
        FieldViolation.required("values.value", value);
        FieldViolation.matching("values.unit", unit, UCUM);
    }
}
