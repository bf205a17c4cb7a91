package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which device objects are this gateway's to connect: only those with an allow-list entry, by their identity address
 * (see {@link AllowList}). A device without one is never connected, paired or read, whatever it advertises or would
 * claim to be: it is only counted, once per address, and logged by its alias. A listed device whose Device
 * Information serial differs from its entry's is refused and reported. Loop thread only.
 */
final class Candidates {

    private static final Logger LOG = LoggerFactory.getLogger(Candidates.class);
    /**
     * Unknown addresses remembered at most: neighbours' phones and devices with privacy show a new address every
     * 15 minutes or so, and this set must not grow for the life of the gateway. Past it, it starts afresh (an address
     * may then be counted again).
     */
    private static final int MAX_UNKNOWN_REMEMBERED = 10_000;

    /** Why a listed, connected device is not served. */
    enum Refusal {
        /** It reported another Device Information serial than its entry's (or none, where the entry names one). */
        SERIAL_MISMATCH
    }

    private AllowList allow;
    private final BleCounters counters;
    /** Addresses refused until the gateway restarts. */
    private final Set<String> denied = new HashSet<>();
    /** Unknown devices already counted, by the address BlueZ presents them under. */
    private final Set<String> unknownSeen = new HashSet<>();

    Candidates(AllowList allow, BleCounters counters) {
        this.allow = allow;
        this.counters = counters;
    }

    /**
     * A device object BlueZ reported: an unknown one is counted once ({@code vitalwire.ble.events{type=
     * unknown-device}}) and never considered again.
     */
    void seen(DeviceLink link) {
        if (link.entry == null && unknownSeen.size() >= MAX_UNKNOWN_REMEMBERED) {
            unknownSeen.clear();
        }
        if (link.entry == null && unknownSeen.add(link.address)) {
            counters.event("unknown-device");
            LOG.info("device {} is not on the allow-list; not connecting to it", link.alias);
        }
    }

    /**
     * Whether the set-up device at this link is served: its entry's serial, if it names one, must be the serial the
     * device reports.
     *
     * @return null if served, else why not
     */
    Refusal refusal(DeviceLink link, DeviceIdentity identity) {
        String expected = link.entry == null ? null : link.entry.serial();
        if (link.entry == null) {
            throw new IllegalStateException("a device without an allow-list entry was set up");
        }
        if (expected != null && !expected.equals(identity.serial())) {
            return Refusal.SERIAL_MISMATCH;
        }
        return null;
    }

    /**
     * A new allow-list (a configuration from the cloud). A device whose entry it changes is judged afresh: a denial
     * (another serial than its entry's) was against the old entry.
     */
    void allow(AllowList next, java.util.Collection<String> changedAddresses) {
        this.allow = next;
        denied.removeAll(changedAddresses);
    }

    /** Never to be connected again (until the gateway restarts). */
    void deny(String address) {
        denied.add(address);
    }

    /** Listed, and not refused since the gateway started. */
    boolean isCandidate(DeviceLink link) {
        return link.entry != null && !denied.contains(link.address);
    }

    /** Whether an allow-listed device is not active, so discovery must run. */
    boolean anyMissing(DeviceLinks links) {
        Set<String> active = links.activeAddresses();
        return allow.addresses().stream().anyMatch(a -> !active.contains(a) && !denied.contains(a));
    }
}
