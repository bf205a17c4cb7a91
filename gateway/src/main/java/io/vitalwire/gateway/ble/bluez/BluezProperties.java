package io.vitalwire.gateway.ble.bluez;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/**
 * Reads BlueZ's D-Bus property maps into the gateway's own records. dbus-java hands over an {@code ay} as a
 * {@code byte[]} or a list of bytes depending on where it sits, and {@code as} as an array or a list: both are
 * accepted here so callers never care.
 */
final class BluezProperties {

    private static final String ROOT = "/org/bluez/";

    private BluezProperties() {
    }

    /** Only BlueZ's own tree: other services on the system bus send the same standard signals. */
    static boolean isBluezPath(String path) {
        return path != null && path.startsWith(ROOT);
    }

    /** The device path a GATT object is nested under: {@code /org/bluez/hci0/dev_XX/service0010/char0011}. */
    static String devicePathOf(String path) {
        int dev = path.indexOf("/dev_");
        if (dev < 0) {
            return null;
        }
        int end = path.indexOf('/', dev + 1);
        return end < 0 ? path : path.substring(0, end);
    }

    static List<BluezObject> toObjects(String path, Map<String, Map<String, Variant<?>>> interfaces) {
        List<BluezObject> objects = new ArrayList<>(1);
        Map<String, Variant<?>> adapter = interfaces.get("org.bluez.Adapter1");
        if (adapter != null) {
            objects.add(new BluezObject.Adapter(path, bool(adapter, "Powered"), bool(adapter, "Discovering")));
        }
        Map<String, Variant<?>> device = interfaces.get("org.bluez.Device1");
        if (device != null) {
            List<Integer> services = new ArrayList<>();
            for (String uuid : strings(device.get("UUIDs"))) {
                int u = GattUuids.uuid16(uuid);
                if (u >= 0) {
                    services.add(u);
                }
            }
            Object adapterPath = value(device, "Adapter");
            objects.add(new BluezObject.Device(path, adapterPath == null ? parentOf(path) : pathString(adapterPath),
                    String.valueOf(value(device, "Address")), bool(device, "Connected"),
                    bool(device, "ServicesResolved"), bool(device, "Paired"), services, name(device)));
        }
        Map<String, Variant<?>> characteristic = interfaces.get("org.bluez.GattCharacteristic1");
        if (characteristic != null) {
            objects.add(characteristic(path, characteristic));
        }
        return objects;
    }

    /** The device's Alias (its Name unless renamed), or null when it has neither. */
    private static String name(Map<String, Variant<?>> device) {
        Object alias = value(device, "Alias");
        Object name = alias != null ? alias : value(device, "Name");
        return name == null ? null : String.valueOf(name);
    }

    /** org.bluez.GattCharacteristic1's properties: its UUID and whether its Flags offer notify or indicate. */
    static BluezObject.Characteristic characteristic(String path, Map<String, Variant<?>> properties) {
        List<String> flags = strings(properties.get("Flags"));
        return new BluezObject.Characteristic(path, devicePathOf(path),
                GattUuids.uuid16(String.valueOf(value(properties, "UUID"))),
                flags.contains("notify") || flags.contains("indicate"));
    }

    static Optional<BluezEvent> toChange(String path, String iface, Map<String, Variant<?>> changed) {
        return switch (iface) {
            case "org.bluez.Adapter1" -> changed.containsKey("Powered") || changed.containsKey("Discovering")
                    ? Optional.of(new BluezEvent.AdapterChanged(path, optBool(changed, "Powered"),
                    optBool(changed, "Discovering")))
                    : Optional.empty();
            case "org.bluez.Device1" -> changed.containsKey("Connected") || changed.containsKey("ServicesResolved")
                    || changed.containsKey("Paired")
                    ? Optional.of(new BluezEvent.DeviceChanged(path, optBool(changed, "Connected"),
                    optBool(changed, "ServicesResolved"), optBool(changed, "Paired")))
                    : Optional.empty();
            case "org.bluez.GattCharacteristic1" -> changed.containsKey("Value")
                    ? Optional.of(new BluezEvent.ValueChanged(path, bytes(changed.get("Value").getValue())))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b.clone();
        }
        if (value instanceof Collection<?> list) {
            byte[] out = new byte[list.size()];
            int i = 0;
            for (Object o : list) {
                out[i++] = ((Number) o).byteValue();
            }
            return out;
        }
        if (value instanceof Byte[] boxed) {
            byte[] out = new byte[boxed.length];
            for (int i = 0; i < boxed.length; i++) {
                out[i] = boxed[i];
            }
            return out;
        }
        throw new IllegalArgumentException("not a byte array: " + (value == null ? "null" : value.getClass()));
    }

    private static List<String> strings(Variant<?> variant) {
        if (variant == null) {
            return List.of();
        }
        Object v = variant.getValue();
        if (v instanceof String[] array) {
            return List.of(array);
        }
        if (v instanceof Collection<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static Object value(Map<String, Variant<?>> props, String name) {
        Variant<?> v = props.get(name);
        return v == null ? null : v.getValue();
    }

    private static boolean bool(Map<String, Variant<?>> props, String name) {
        return Boolean.TRUE.equals(value(props, name));
    }

    private static Boolean optBool(Map<String, Variant<?>> props, String name) {
        Object v = value(props, name);
        return v instanceof Boolean b ? b : null;
    }

    private static String pathString(Object path) {
        return path instanceof DBusPath p ? p.getPath() : String.valueOf(path);
    }

    private static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }
}
