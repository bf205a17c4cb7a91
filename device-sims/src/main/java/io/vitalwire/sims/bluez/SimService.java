package io.vitalwire.sims.bluez;

import org.bluez.GattService1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/** org.bluez.GattService1: a primary service of a connected device. */
final class SimService extends SimObject implements GattService1 {

    static final String IFACE = "org.bluez.GattService1";

    SimService(SimulatedBluez bluez, String path, String devicePath, int uuid16) {
        super(bluez, path);
        define(IFACE, "UUID", new Variant<>(SimulatedBluez.uuid128(uuid16)));
        define(IFACE, "Primary", new Variant<>(true));
        define(IFACE, "Device", new Variant<>(new DBusPath(devicePath)));
    }
}
