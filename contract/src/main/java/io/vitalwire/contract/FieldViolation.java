package io.vitalwire.contract;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Thrown from the records' constructors, so that no message object that breaks the contract can exist, whether it
 * was decoded or built by our own code. {@link ContractCodec} turns it into a {@link ContractViolation}.
 */
final class FieldViolation extends IllegalArgumentException {

    private final ContractViolation.Reason reason;

    private FieldViolation(ContractViolation.Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    ContractViolation.Reason reason() {
        return reason;
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new FieldViolation(ContractViolation.Reason.MISSING_FIELD, "missing field '" + field + "'");
        }
        return value;
    }

    static String matching(String field, String value, Pattern pattern) {
        required(field, value);
        if (!pattern.matcher(value).matches()) {
            throw invalid(field, "'" + value + "' does not match " + pattern.pattern());
        }
        return value;
    }

    static <C extends Collection<?>> C nonEmpty(String field, C values, int max) {
        required(field, values);
        if (values.isEmpty()) {
            throw invalid(field, "must not be empty");
        }
        if (values.size() > max) {
            throw tooLarge(field, values.size(), max);
        }
        for (Object value : values) {
            if (value == null) {
                throw invalid(field, "must not contain null");
            }
        }
        return values;
    }

    /** An optional number: null, or within min..max inclusive. */
    static Integer optionalWithin(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw invalid(field, "must be " + min + " to " + max);
        }
        return value;
    }

    static FieldViolation tooLarge(String field, int size, int max) {
        return new FieldViolation(ContractViolation.Reason.TOO_LARGE,
                "field '" + field + "' has " + size + " entries, at most " + max + " allowed");
    }

    static FieldViolation invalid(String field, String problem) {
        return new FieldViolation(ContractViolation.Reason.INVALID_VALUE, "invalid field '" + field + "': " + problem);
    }
}
