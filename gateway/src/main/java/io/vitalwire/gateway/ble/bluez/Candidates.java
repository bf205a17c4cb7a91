package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import java.util.HashSet;
import java.util.Set;

/**
 * Which device objects are this gateway's to connect, by the allow-list: listed by address, known to be ours by a
 * serial matched earlier, or possibly ours (an unknown health device while an allow-listed serial is unmatched).
 * What it learnt about addresses outlives bus losses. Loop thread only.
 */
final class Candidates {

    private final AllowList allow;
    /** Addresses that turned out to be allow-listed serials, so they are reconnected without asking again. */
    private final Set<String> serialMatched = new HashSet<>();
    private final Set<String> denied = new HashSet<>();

    Candidates(AllowList allow) {
        this.allow = allow;
    }

    /** Whether the device set up at this address is ours; an address admitted by its serial is remembered. */
    boolean admits(String address, DeviceIdentity identity) {
        if (allow.allowsAddress(address) || serialMatched.contains(address)) {
            return true;
        }
        if (!allow.allowsSerial(identity.serial())) {
            return false;
        }
        serialMatched.add(address);
        return true;
    }

    /** Never to be connected again (until the gateway restarts). */
    void deny(String address) {
        denied.add(address);
    }

    /** Ours by address, known to be ours by serial, or possibly ours: an unknown health device while serials wait. */
    boolean isCandidate(DeviceLink link, DeviceLinks links) {
        if (denied.contains(link.address)) {
            return false;
        }
        if (allow.allowsAddress(link.address) || serialMatched.contains(link.address)) {
            return true;
        }
        return allow.hasSerials() && unmatchedSerials(links) > 0
                && link.serviceUuids16.stream().anyMatch(WellKnownUuids.HEALTH_SERVICES::contains);
    }

    /** Whether an allow-listed device (by address or serial) is not active. */
    boolean anyMissing(DeviceLinks links) {
        Set<String> active = links.activeAddresses();
        return unmatchedSerials(links) > 0 || allow.addresses().stream().anyMatch(a -> !active.contains(a));
    }

    private long unmatchedSerials(DeviceLinks links) {
        Set<String> active = links.activeSerials();
        return allow.serials().stream().filter(s -> !active.contains(s)).count();
    }
}
