package io.vitalwire.sims.bluez;

import java.util.Map;
import org.bluez.Adapter1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/** org.bluez.Adapter1 at /org/bluez/hci0: power and discovery. */
final class SimAdapter extends SimObject implements Adapter1 {

    static final String IFACE = "org.bluez.Adapter1";

    SimAdapter(SimulatedBluez bluez, String path) {
        super(bluez, path);
        define(IFACE, "Address", new Variant<>("00:1A:7D:DA:71:13"));
        define(IFACE, "Name", new Variant<>("vitalwire-sim"));
        define(IFACE, "Alias", new Variant<>("vitalwire-sim"));
        define(IFACE, "Powered", new Variant<>(true));
        define(IFACE, "Discovering", new Variant<>(false));
    }

    boolean powered() {
        return Boolean.TRUE.equals(value(IFACE, "Powered"));
    }

    boolean discovering() {
        return Boolean.TRUE.equals(value(IFACE, "Discovering"));
    }

    void setPowered(boolean on) {
        change(IFACE, "Powered", new Variant<>(on));
    }

    void setDiscovering(boolean on) {
        if (discovering() != on) {
            change(IFACE, "Discovering", new Variant<>(on));
        }
    }

    @Override
    public void StartDiscovery() {
        synchronized (bluez) {
            if (!powered()) {
                throw BluezErrors.error("NotReady", "Resource Not Ready");
            }
            bluez.discoveryStarted();
        }
    }

    @Override
    public void StopDiscovery() {
        synchronized (bluez) {
            bluez.discoveryStopped();
        }
    }

    @Override
    public void RemoveDevice(DBusPath device) {
        synchronized (bluez) {
            bluez.removeDevicePath(device.getPath());
        }
    }

    @Override
    public void SetDiscoveryFilter(Map<String, Variant<?>> filter) {
        // accepted and ignored: every simulated device is LE
    }

    @Override
    public String[] GetDiscoveryFilters() {
        return new String[] {"UUIDs", "Transport", "DuplicateData"};
    }

    @Override
    public DBusPath ConnectDevice(Map<String, Variant<?>> properties) {
        throw new org.freedesktop.dbus.errors.NotSupported("ConnectDevice is not simulated");
    }

    @Override
    public <A> void Set(String iface, String name, A value) {
        synchronized (bluez) {
            if (IFACE.equals(iface) && "Powered".equals(name)) {
                Object v = value instanceof Variant<?> variant ? variant.getValue() : value;
                bluez.setPowered(Boolean.TRUE.equals(v));
                return;
            }
        }
        super.Set(iface, name, value);
    }
}
