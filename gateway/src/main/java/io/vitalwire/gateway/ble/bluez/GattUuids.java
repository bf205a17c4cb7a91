package io.vitalwire.gateway.ble.bluez;

import java.util.Locale;

/** 16-bit Bluetooth UUIDs and their 128-bit form on the Bluetooth base UUID, as BlueZ writes them. */
final class GattUuids {

    private static final String BASE_SUFFIX = "-0000-1000-8000-00805f9b34fb";

    private GattUuids() {
    }

    /** The 16-bit UUID of {@code 0000xxxx-0000-1000-8000-00805f9b34fb}, or -1 for any other UUID. */
    static int uuid16(String uuid) {
        String u = uuid.toLowerCase(Locale.ROOT);
        if (u.length() != 36 || !u.startsWith("0000") || !u.endsWith(BASE_SUFFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(u.substring(4, 8), 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String uuid128(int uuid16) {
        return String.format("0000%04x%s", uuid16, BASE_SUFFIX);
    }
}
