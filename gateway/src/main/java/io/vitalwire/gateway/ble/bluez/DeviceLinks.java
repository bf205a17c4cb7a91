package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.privacy.DeviceAliases;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device links of the configured adapter, found by device path or by the path of one of their characteristics.
 * A link leaves with its object (it then becomes {@link LinkState#GONE}). Loop thread only.
 */
final class DeviceLinks {

    private final Map<String, DeviceLink> byPath = new HashMap<>();
    private final Map<String, DeviceLink> byCharacteristic = new HashMap<>();
    private AllowList allow;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final Duration pairingBackoffMin;
    private final Duration pairingBackoffMax;
    private final DeviceAliases aliases;

    /**
     * @param backoffMin, backoffMax               each link's reconnect backoff
     * @param pairingBackoffMin, pairingBackoffMax each link's backoff between failed bondings
     */
    DeviceLinks(AllowList allow, Duration backoffMin, Duration backoffMax, Duration pairingBackoffMin,
                Duration pairingBackoffMax, DeviceAliases aliases) {
        this.allow = allow;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.pairingBackoffMin = pairingBackoffMin;
        this.pairingBackoffMax = pairingBackoffMax;
        this.aliases = aliases;
    }

    /**
     * A new link for a device object not known yet, with its allow-list entry if it has one (by address, or by an
     * entry's IRK resolving the private address it advertises under); a device reported twice keeps its link.
     *
     * @return the link, new or not
     */
    DeviceLink addDevice(BluezObject.Device device) {
        return byPath.computeIfAbsent(device.path(), p -> {
            AllowList.Entry entry = allow.entryFor(device.address()).orElse(null);
            // Named by its identity: a device seen under ever new private addresses keeps one alias.
            String alias = aliases.of(entry != null ? entry.address() : device.address());
            return new DeviceLink(device, entry, alias, new Backoff(backoffMin, backoffMax),
                    new Backoff(pairingBackoffMin, pairingBackoffMax));
        });
    }

    /** A new allow-list (a configuration from the cloud): links made from now on take their entries from it. */
    void allow(AllowList next) {
        this.allow = next;
    }

    /**
     * Replaces {@code old} (which leaves as GONE) by a link of the same device object under {@code entry}, idle and
     * disconnected, with the characteristics BlueZ reported for it (it does not report them again).
     *
     * @return the new link
     */
    DeviceLink replace(DeviceLink old, AllowList.Entry entry) {
        BluezObject.Device device = new BluezObject.Device(old.path, null, old.address, false, false, old.paired(),
                List.copyOf(old.serviceUuids16), old.name);
        DeviceLink link = new DeviceLink(device, entry, old.alias, new Backoff(backoffMin, backoffMax),
                new Backoff(pairingBackoffMin, pairingBackoffMax));
        Map<String, Integer> characteristics = Map.copyOf(old.characteristics);
        Set<String> notifiable = Set.copyOf(old.notifiable);
        link.carryOver(old);
        removeDevice(old.path);
        byPath.put(link.path, link);
        link.characteristics.putAll(characteristics);
        link.notifiable.addAll(notifiable);
        characteristics.keySet().forEach(c -> byCharacteristic.put(c, link));
        return link;
    }

    /** Files a characteristic under its device's link, if that device is known. */
    void addCharacteristic(BluezObject.Characteristic c) {
        DeviceLink link = c.devicePath() == null ? null : byPath.get(c.devicePath());
        if (link != null) {
            addCharacteristic(link, c);
        }
    }

    void addCharacteristic(DeviceLink link, BluezObject.Characteristic c) {
        link.characteristics.put(c.path(), c.uuid16());
        if (c.notifies()) {
            link.notifiable.add(c.path());
        }
        byCharacteristic.put(c.path(), link);
    }

    DeviceLink device(String path) {
        return byPath.get(path);
    }

    /** The link owning this characteristic path, or null. */
    DeviceLink ownerOf(String characteristicPath) {
        return byCharacteristic.get(characteristicPath);
    }

    /** Forgets the device at this path with its characteristics; the removed link (now GONE), or null. */
    DeviceLink removeDevice(String path) {
        DeviceLink link = byPath.remove(path);
        if (link != null) {
            link.characteristics.keySet().forEach(byCharacteristic::remove);
            link.gone();
        }
        return link;
    }

    /** Forgets a characteristic object; false if it was not one of a known device's. */
    boolean removeCharacteristic(String path) {
        DeviceLink owner = byCharacteristic.remove(path);
        if (owner == null) {
            return false;
        }
        owner.characteristics.remove(path);
        owner.notifiable.remove(path);
        return true;
    }

    /** Every link is void (bus lost, adapter removed). */
    void clear() {
        byPath.values().forEach(DeviceLink::gone);
        byPath.clear();
        byCharacteristic.clear();
    }

    /** Whether this link is still the one filed under its path (not removed while a pass ran). */
    boolean isCurrent(DeviceLink link) {
        return byPath.get(link.path) == link;
    }

    /** A copy, safe to iterate while links are removed. */
    List<DeviceLink> all() {
        return List.copyOf(byPath.values());
    }

    int size() {
        return byPath.size();
    }

    int activeCount() {
        return (int) byPath.values().stream().filter(DeviceLink::isActive).count();
    }

    /** Addresses of the active links, upper case as the allow-list keeps them. */
    Set<String> activeAddresses() {
        Set<String> addresses = new HashSet<>();
        for (DeviceLink link : byPath.values()) {
            if (link.isActive()) {
                addresses.add(link.address);
            }
        }
        return addresses;
    }
}
