package io.vitalwire.gateway.ble.bluez;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The devices this gateway serves, each by its <b>identity address</b>: the public or static random address it
 * bonds under, which BlueZ also presents once it has resolved the device's private addresses with the IRK learnt at
 * bonding. An entry is the address, then optional attributes separated by spaces:
 *
 * <pre>
 * C0:1D:00:00:00:02 passkey=123456 serial=BPC-0002
 * C0:1D:00:00:00:04 just-works
 * C0:1D:00:00:00:08 irk=ec0234a357c8ad05341010a60a397d9b passkey=654321
 * </pre>
 *
 * <ul>
 *   <li>{@code passkey=N}: bond with passkey entry (the 6 digits printed on the device) before anything is read;
 *   <li>{@code just-works}: the device has no passkey; bond unauthenticated when it asks for a bonded link;
 *   <li>neither: never bond (a device asking for it is reported and left alone);
 *   <li>{@code serial=S}: the Device Information serial this device must report; a device at this address reporting
 *       another is refused and reported. A serial only cross-checks: it never admits a device, since any neighbour
 *       can claim any serial;
 *   <li>{@code irk=H}: the device's Identity Resolving Key, to recognise it while it advertises under resolvable
 *       private addresses and BlueZ has not bonded with it yet.
 * </ul>
 *
 * An entry that is not an address (a serial alone, as older configurations had) stops the gateway at start-up
 * rather than silently serving nobody: the message says which entry by its position, never by its text.
 */
final class AllowList {

    private static final Pattern ADDRESS = Pattern.compile("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}");
    private static final Pattern PASSKEY = Pattern.compile("[0-9]{1,6}");

    /** One allow-listed device. */
    record Entry(String address, String serial, Bonding bonding, IdentityResolvingKey irk) {
    }

    /** By identity address, upper case. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    AllowList(List<String> lines) {
        int position = 0;
        for (String raw : lines) {
            position++;
            String line = raw.trim();
            if (!line.isEmpty()) {
                Entry entry = parse(line, position);
                if (entries.putIfAbsent(entry.address(), entry) != null) {
                    throw new IllegalArgumentException(problem(position, "lists an address a previous entry lists"));
                }
            }
        }
    }

    static boolean isAddress(String text) {
        return ADDRESS.matcher(text).matches();
    }

    private static Entry parse(String line, int position) {
        String[] parts = line.split("\\s+");
        if (!isAddress(parts[0])) {
            throw new IllegalArgumentException(problem(position, "does not start with a BLE address; devices are "
                    + "allow-listed by their bonded (identity) address, and a serial may only follow it as serial=…"));
        }
        String serial = null;
        Bonding bonding = new Bonding.None();
        IdentityResolvingKey irk = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (part.equals("just-works") && bonding instanceof Bonding.None) {
                bonding = new Bonding.JustWorks();
            } else if (part.startsWith("passkey=") && bonding instanceof Bonding.None) {
                String digits = part.substring("passkey=".length());
                if (!PASSKEY.matcher(digits).matches()) {
                    throw new IllegalArgumentException(problem(position, "has a passkey that is not 1 to 6 digits"));
                }
                bonding = new Bonding.Passkey(Integer.parseInt(digits));
            } else if (part.startsWith("serial=") && serial == null && part.length() > "serial=".length()) {
                serial = part.substring("serial=".length());
            } else if (part.startsWith("irk=") && irk == null) {
                try {
                    irk = IdentityResolvingKey.parse(part.substring("irk=".length()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(problem(position, e.getMessage()), e);
                }
            } else {
                throw new IllegalArgumentException(problem(position, "has attribute " + (i + 1) + " that is not "
                        + "one of passkey=N or just-works (one of them), serial=S, irk=H, each at most once"));
            }
        }
        return new Entry(parts[0].toUpperCase(Locale.ROOT), serial, bonding, irk);
    }

    private static String problem(int position, String what) {
        return "vitalwire.gateway.ble.allow-list entry " + position + " " + what;
    }

    /**
     * The entry of the device BlueZ presents at {@code address}: listed under it, or a resolvable private address
     * that an entry's IRK resolves.
     */
    Optional<Entry> entryFor(String address) {
        if (address == null) {
            return Optional.empty();
        }
        Entry direct = entries.get(address.toUpperCase(Locale.ROOT));
        if (direct != null) {
            return Optional.of(direct);
        }
        return entries.values().stream().filter(e -> e.irk() != null && e.irk().resolves(address)).findFirst();
    }

    /** The identity addresses, upper case. */
    Set<String> addresses() {
        return Set.copyOf(entries.keySet());
    }

    /** Whether any entry bonds with a passkey, so that the agent must be able to enter one. */
    boolean anyPasskey() {
        return entries.values().stream().anyMatch(e -> e.bonding() instanceof Bonding.Passkey);
    }

    List<Entry> entries() {
        return new ArrayList<>(entries.values());
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }
}
