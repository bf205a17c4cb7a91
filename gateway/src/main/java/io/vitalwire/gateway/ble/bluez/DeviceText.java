package io.vitalwire.gateway.ble.bluez;

import java.nio.charset.StandardCharsets;

/**
 * Device Information strings (UTF-8s) as devices send them: often NUL-padded to a fixed length, sometimes with
 * control characters or longer than the contract's 64 characters.
 */
final class DeviceText {

    private static final int MAX_LENGTH = 64;

    private DeviceText() {
    }

    /** The printable text, trimmed and at most 64 characters; {@code null} when nothing printable is left. */
    static String of(byte[] value) {
        if (value == null) {
            return null;
        }
        String s = new String(value, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "").trim();
        if (s.isEmpty()) {
            return null;
        }
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH);
    }
}
