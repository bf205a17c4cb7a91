package io.vitalwire.sims.bluez;

import java.util.Map;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.types.Variant;

/** org.freedesktop.DBus.ObjectManager at "/": the whole simulated tree in one call, as BlueZ offers it. */
final class SimRoot implements ObjectManager {

    private final SimulatedBluez bluez;

    SimRoot(SimulatedBluez bluez) {
        this.bluez = bluez;
    }

    @Override
    public Map<DBusPath, Map<String, Map<String, Variant<?>>>> GetManagedObjects() {
        return bluez.managedObjects();
    }

    @Override
    public String getObjectPath() {
        return "/";
    }
}
