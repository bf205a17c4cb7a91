package io.vitalwire.gateway.ble.gatt;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.Optional;

/**
 * The 7-octet Bluetooth Date Time (year uint16, month, day, hours, minutes, seconds), as the device encoded it.
 * Zero year, month or day mean "not known", so the value is kept raw and converted only on request.
 */
public record GattDateTime(int year, int month, int day, int hours, int minutes, int seconds) {

    /** {@code yyyy-MM-ddTHH:mm:ss}, digit for digit as encoded (an unknown month stays "00"). */
    @JsonValue
    @Override
    public String toString() {
        // By hand: String.format was the largest cost of decoding a glucose record (see BENCHMARKS.md).
        StringBuilder out = new StringBuilder(20);
        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, hours, 2).append(':');
        pad(out, minutes, 2).append(':');
        return pad(out, seconds, 2).toString();
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(digits);
    }

    /** The date-time, if every part is known and valid (the specification's years are 1582 to 9999). */
    public Optional<LocalDateTime> toLocalDateTime() {
        if (year < 1582 || year > 9999 || month == 0 || day == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, month, day, hours, minutes, seconds));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
