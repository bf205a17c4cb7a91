package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.privacy.DeviceAliases;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The device links of the configured adapter, found by device path or by the path of one of their characteristics.
 * A link leaves with its object (it then becomes {@link LinkState#GONE}). Loop thread only.
 */
final class DeviceLinks {

    private final Map<String, DeviceLink> byPath = new HashMap<>();
    private final Map<String, DeviceLink> byCharacteristic = new HashMap<>();
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final DeviceAliases aliases;

    /** @param backoffMin, backoffMax each link's reconnect backoff */
    DeviceLinks(Duration backoffMin, Duration backoffMax, DeviceAliases aliases) {
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.aliases = aliases;
    }

    /** A new link for a device object not known yet; a device reported twice keeps its link. */
    void addDevice(BluezObject.Device device) {
        byPath.computeIfAbsent(device.path(), p -> new DeviceLink(device, aliases.of(device.address()),
                new Backoff(backoffMin, backoffMax)));
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

    /** Device Information serials of the active links. */
    Set<String> activeSerials() {
        Set<String> serials = new HashSet<>();
        for (DeviceLink link : byPath.values()) {
            ConnectedDevice device = link.device();
            if (link.isActive() && device != null && device.identity().serial() != null) {
                serials.add(device.identity().serial());
            }
        }
        return serials;
    }

    /** Addresses of the active links, upper case as the allow-list keeps them. */
    Set<String> activeAddresses() {
        Set<String> addresses = new HashSet<>();
        for (DeviceLink link : byPath.values()) {
            if (link.isActive()) {
                addresses.add(link.address.toUpperCase(Locale.ROOT));
            }
        }
        return addresses;
    }
}
