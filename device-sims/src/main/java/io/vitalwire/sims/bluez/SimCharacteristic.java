package io.vitalwire.sims.bluez;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bluez.GattCharacteristic1;
import org.bluez.datatypes.TwoTuple;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.FileDescriptor;
import org.freedesktop.dbus.types.UInt16;
import org.freedesktop.dbus.types.Variant;

/**
 * org.bluez.GattCharacteristic1: read, write, and notifications or indications, which BlueZ delivers to clients as
 * PropertiesChanged of "Value".
 */
final class SimCharacteristic extends SimObject implements GattCharacteristic1 {

    static final String IFACE = "org.bluez.GattCharacteristic1";

    final int uuid16;
    final int properties;
    private final SimDevice device;

    SimCharacteristic(SimulatedBluez bluez, String path, String servicePath, SimDevice device, int uuid16,
                      int properties) {
        super(bluez, path);
        this.uuid16 = uuid16;
        this.properties = properties;
        this.device = device;
        List<String> flags = new ArrayList<>();
        if ((properties & GattProperties.READ) != 0) {
            flags.add("read");
        }
        if ((properties & GattProperties.WRITE) != 0) {
            flags.add("write");
        }
        if ((properties & GattProperties.NOTIFY) != 0) {
            flags.add("notify");
        }
        if ((properties & GattProperties.INDICATE) != 0) {
            flags.add("indicate");
        }
        define(IFACE, "UUID", new Variant<>(SimulatedBluez.uuid128(uuid16)));
        define(IFACE, "Service", new Variant<>(new DBusPath(servicePath)));
        define(IFACE, "Flags", new Variant<>(flags.toArray(String[]::new), "as"));
        define(IFACE, "Notifying", new Variant<>(false));
        define(IFACE, "Value", new Variant<>(new byte[0], "ay"));
    }

    boolean notifying() {
        return Boolean.TRUE.equals(value(IFACE, "Notifying"));
    }

    /** A notification or indication: the new Value, signalled. Caller holds the bluez lock. */
    void send(byte[] value) {
        change(IFACE, "Value", new Variant<>(value.clone(), "ay"));
    }

    @Override
    public byte[] ReadValue(Map<String, Variant<?>> options) {
        synchronized (bluez) {
            if ((properties & GattProperties.READ) == 0) {
                throw BluezErrors.error("NotPermitted", "Read not permitted");
            }
            device.requireLinkSecurity(this);
            return device.read(uuid16);
        }
    }

    @Override
    public void WriteValue(byte[] value, Map<String, Variant<?>> options) {
        synchronized (bluez) {
            if ((properties & GattProperties.WRITE) == 0) {
                throw BluezErrors.error("NotPermitted", "Write not permitted");
            }
            device.requireLinkSecurity(this);
            device.written(this, value);
        }
    }

    @Override
    public TwoTuple<FileDescriptor, UInt16> AcquireWrite(Map<String, Variant<?>> options) {
        throw BluezErrors.error("NotSupported", "AcquireWrite is not simulated");
    }

    @Override
    public TwoTuple<FileDescriptor, UInt16> AcquireNotify(Map<String, Variant<?>> options) {
        throw BluezErrors.error("NotSupported", "AcquireNotify is not simulated");
    }

    @Override
    public void StartNotify() {
        synchronized (bluez) {
            if ((properties & (GattProperties.NOTIFY | GattProperties.INDICATE)) == 0) {
                throw BluezErrors.error("NotSupported", "Notify not supported");
            }
            device.requireLinkSecurity(this);
            if (!notifying()) {
                change(IFACE, "Notifying", new Variant<>(true));
            }
            // Like a real device, it may send at once, before the client has the StartNotify reply.
            device.subscribed(this);
        }
    }

    @Override
    public void StopNotify() {
        synchronized (bluez) {
            if (notifying()) {
                change(IFACE, "Notifying", new Variant<>(false));
            }
        }
    }

    @Override
    public void Confirm() {
        // indications are confirmed by the simulated stack itself
    }
}
