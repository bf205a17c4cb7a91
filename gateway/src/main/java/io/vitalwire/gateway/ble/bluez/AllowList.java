package io.vitalwire.gateway.ble.bluez;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The devices this gateway serves, by BLE address and/or Device Information serial. Entries shaped like an address
 * are addresses (compared case-insensitively); every other entry is a serial (compared exactly).
 */
final class AllowList {

    private static final Pattern ADDRESS = Pattern.compile("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}");

    private final Set<String> addresses = new HashSet<>();
    private final Set<String> serials = new HashSet<>();

    AllowList(List<String> entries) {
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (ADDRESS.matcher(entry).matches()) {
                addresses.add(entry.toUpperCase(Locale.ROOT));
            } else {
                serials.add(entry);
            }
        }
    }

    boolean allowsAddress(String address) {
        return address != null && addresses.contains(address.toUpperCase(Locale.ROOT));
    }

    boolean allowsSerial(String serial) {
        return serial != null && serials.contains(serial);
    }

    /** Whether a device not listed by address may still be one of ours, to be told by its serial. */
    boolean hasSerials() {
        return !serials.isEmpty();
    }

    Set<String> addresses() {
        return Set.copyOf(addresses);
    }

    Set<String> serials() {
        return Set.copyOf(serials);
    }

    boolean isEmpty() {
        return addresses.isEmpty() && serials.isEmpty();
    }
}
