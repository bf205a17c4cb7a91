package io.vitalwire.sims.bluez;

import java.io.ByteArrayOutputStream;
import java.time.LocalDateTime;

/**
 * Builds characteristic values octet by octet, little-endian, as the Bluetooth SIG specifications lay them out;
 * written independently of the gateway's decoders so that a test compares two readings of the specifications.
 */
final class GattValues {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    GattValues uint8(int v) {
        out.write(v & 0xFF);
        return this;
    }

    GattValues uint16(int v) {
        out.write(v & 0xFF);
        out.write((v >> 8) & 0xFF);
        return this;
    }

    GattValues uint24(int v) {
        uint16(v);
        return uint8(v >> 16);
    }

    /** IEEE 11073 SFLOAT: 4-bit signed exponent over a 12-bit signed mantissa. */
    GattValues sfloat(int mantissa, int exponent) {
        if (mantissa < -2046 || mantissa > 2045 || exponent < -8 || exponent > 7) {
            throw new IllegalArgumentException("not an SFLOAT: " + mantissa + "e" + exponent);
        }
        return uint16(((exponent & 0x0F) << 12) | (mantissa & 0x0FFF));
    }

    /** IEEE 11073 FLOAT: 8-bit signed exponent over a 24-bit signed mantissa. */
    GattValues float32(int mantissa, int exponent) {
        int raw = ((exponent & 0xFF) << 24) | (mantissa & 0x00FF_FFFF);
        uint16(raw);
        return uint16(raw >>> 16);
    }

    /** Date Time (0x2A08): year uint16, month, day, hours, minutes, seconds. */
    GattValues dateTime(LocalDateTime t) {
        uint16(t.getYear());
        uint8(t.getMonthValue());
        uint8(t.getDayOfMonth());
        uint8(t.getHour());
        uint8(t.getMinute());
        return uint8(t.getSecond());
    }

    /** Current Time (0x2A2B): Exact Time 256 (date time, day of week, 1/256 s) and Adjust Reason. */
    static byte[] currentTime(LocalDateTime t) {
        return new GattValues().dateTime(t).uint8(t.getDayOfWeek().getValue())
                .uint8(t.getNano() / 1_000_000 * 256 / 1000).uint8(0).bytes();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
