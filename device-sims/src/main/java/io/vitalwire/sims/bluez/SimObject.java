package io.vitalwire.sims.bluez;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.freedesktop.dbus.errors.UnknownInterface;
import org.freedesktop.dbus.errors.UnknownProperty;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;

/**
 * One object of the simulated org.bluez tree: its path, its interfaces' properties, and
 * org.freedesktop.DBus.Properties with PropertiesChanged, as BlueZ exports them.
 */
abstract class SimObject implements Properties {

    final SimulatedBluez bluez;
    final String path;
    private final Map<String, Map<String, Variant<?>>> properties = new LinkedHashMap<>();

    SimObject(SimulatedBluez bluez, String path) {
        this.bluez = bluez;
        this.path = path;
    }

    /** Sets a property without a signal: for building the object before it is announced. */
    final void define(String iface, String name, Variant<?> value) {
        properties.computeIfAbsent(iface, i -> new LinkedHashMap<>()).put(name, value);
    }

    /** Sets a property and, if the object is on the bus, sends PropertiesChanged. Caller holds the bluez lock. */
    final void change(String iface, String name, Variant<?> value) {
        define(iface, name, value);
        if (bluez.isExported(this)) {
            bluez.propertiesChanged(path, iface, Map.of(name, value));
        }
    }

    final Object value(String iface, String name) {
        Variant<?> v = properties.getOrDefault(iface, Map.of()).get(name);
        return v == null ? null : v.getValue();
    }

    /** The interfaces and their properties, for GetManagedObjects and InterfacesAdded. */
    final Map<String, Map<String, Variant<?>>> interfaces() {
        Map<String, Map<String, Variant<?>>> copy = new LinkedHashMap<>();
        properties.forEach((iface, props) -> copy.put(iface, Map.copyOf(props)));
        return copy;
    }

    final List<String> interfaceNames() {
        return List.copyOf(properties.keySet());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A> A Get(String iface, String name) {
        synchronized (bluez) {
            Map<String, Variant<?>> props = properties.get(iface);
            if (props == null) {
                throw new UnknownInterface(iface);
            }
            Variant<?> v = props.get(name);
            if (v == null) {
                throw new UnknownProperty(name);
            }
            return (A) v;
        }
    }

    @Override
    public Map<String, Variant<?>> GetAll(String iface) {
        synchronized (bluez) {
            return Map.copyOf(properties.getOrDefault(iface, Map.of()));
        }
    }

    @Override
    public <A> void Set(String iface, String name, A value) {
        throw new org.freedesktop.dbus.errors.PropertyReadOnly(name);
    }

    @Override
    public String getObjectPath() {
        return path;
    }
}
