package io.vitalwire.gateway.ble.gatt;

import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An IEEE 11073-20601 medical float (16-bit SFLOAT or 32-bit FLOAT): either a finite decimal {@code mantissa ×
 * 10^exponent}, or one of the reserved special values. Keeping the two apart in the type is what stops a NaN (raw
 * 0x07FF) from ever being read as 2047.
 */
public sealed interface MedFloat {

    int mantissa();

    int exponent();

    /** A finite value. */
    record Finite(int mantissa, int exponent) implements MedFloat {

        /** Exactly mantissa × 10^exponent, with the device's resolution as its scale. */
        @JsonValue
        public BigDecimal value() {
            return new BigDecimal(BigInteger.valueOf(mantissa), -exponent);
        }
    }

    /** A reserved value; in JSON its label ("NaN", "NRes", "+INF", "-INF", "RFU"). */
    record Special(SpecialValue kind, int mantissa, int exponent) implements MedFloat {

        @JsonValue
        public String label() {
            return kind.label();
        }
    }

    /** Decodes a 16-bit SFLOAT: 4-bit signed exponent, 12-bit signed mantissa. */
    static MedFloat sfloat(int raw) {
        raw &= 0xFFFF;
        int mantissa = raw & 0x0FFF;
        int exponent = raw >> 12;
        if (exponent >= 0x8) {
            exponent -= 0x10;
        }
        SpecialValue special = switch (raw) {
            case 0x07FF -> SpecialValue.NAN;
            case 0x0800 -> SpecialValue.NRES;
            case 0x07FE -> SpecialValue.POSITIVE_INFINITY;
            case 0x0802 -> SpecialValue.NEGATIVE_INFINITY;
            case 0x0801 -> SpecialValue.RESERVED;
            default -> null;
        };
        if (mantissa >= 0x0800) {
            mantissa -= 0x1000;
        }
        return special != null ? new Special(special, mantissa, exponent) : new Finite(mantissa, exponent);
    }

    /** Decodes a 32-bit FLOAT: 8-bit signed exponent, 24-bit signed mantissa. */
    static MedFloat float32(int raw) {
        int mantissa = raw & 0x00FF_FFFF;
        int exponent = raw >> 24; // arithmetic shift keeps the sign
        SpecialValue special = switch (raw) {
            case 0x007F_FFFF -> SpecialValue.NAN;
            case 0x0080_0000 -> SpecialValue.NRES;
            case 0x007F_FFFE -> SpecialValue.POSITIVE_INFINITY;
            case 0x0080_0002 -> SpecialValue.NEGATIVE_INFINITY;
            case 0x0080_0001 -> SpecialValue.RESERVED;
            default -> null;
        };
        if (mantissa >= 0x0080_0000) {
            mantissa -= 0x0100_0000;
        }
        return special != null ? new Special(special, mantissa, exponent) : new Finite(mantissa, exponent);
    }
}
