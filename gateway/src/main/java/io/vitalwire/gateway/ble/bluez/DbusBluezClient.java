package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.privacy.DeviceAliases;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bluez.Adapter1;
import org.bluez.AgentManager1;
import org.bluez.Device1;
import org.bluez.GattCharacteristic1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.IDisconnectCallback;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.errors.ServiceUnknown;
import org.freedesktop.dbus.errors.UnknownMethod;
import org.freedesktop.dbus.errors.UnknownObject;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.exceptions.NotConnected;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BluezClient} on dbus-java with the org.bluez interface definitions of bluez-dbus. One private (unshared)
 * connection per {@link #open}: after a bus loss nothing of the old connection is reused, so no stale proxy or match
 * rule survives a bus restart.
 */
public final class DbusBluezClient implements BluezClient {

    private static final Logger LOG = LoggerFactory.getLogger(DbusBluezClient.class);
    private static final String BLUEZ = "org.bluez";
    private static final String ADAPTER = "org.bluez.Adapter1";
    private static final String DEVICE = "org.bluez.Device1";
    private static final String CHARACTERISTIC = "org.bluez.GattCharacteristic1";
    static final String AGENT_PATH = "/io/vitalwire/gateway/agent";
    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

    private final String busAddress;
    private final DeviceAliases aliases;
    private final PairingAgent agent = new PairingAgent();
    private volatile DBusConnection connection;

    /**
     * @param busAddress a D-Bus address, or empty for the system bus
     * @param aliases    name devices in failure messages, which end up in logs, instead of their object paths
     */
    public DbusBluezClient(String busAddress, DeviceAliases aliases) {
        this.busAddress = busAddress;
        this.aliases = aliases;
    }

    @Override
    public List<BluezObject> open(Consumer<BluezEvent> listener) throws BluezException {
        close();
        DBusConnection c = null;
        try {
            c = (busAddress.isBlank() ? DBusConnectionBuilder.forSystemBus()
                    : DBusConnectionBuilder.forAddress(busAddress))
                    // dbus-java retries a refused connect for this long on its own; our backoff does that job.
                    .transportConfig().withTimeout(CONNECT_TIMEOUT_MILLIS).back()
                    .withShared(false)
                    .withDisconnectCallback(new LossReporter(listener))
                    .build();
            subscribe(c, listener);
            ObjectManager root = c.getRemoteObject(BLUEZ, "/", ObjectManager.class);
            List<BluezObject> objects = new ArrayList<>();
            root.GetManagedObjects().forEach((path, interfaces) ->
                    BluezProperties.toObjects(path.getPath(), interfaces).forEach(objects::add));
            connection = c;
            return objects;
        } catch (DBusException | DBusExecutionException e) {
            if (c != null) {
                c.disconnect();
            }
            throw new BluezException(BluezException.Kind.BUS_LOST, "cannot reach BlueZ on "
                    + (busAddress.isBlank() ? "the system bus" : busAddress) + ": " + aliases.scrub(e.getMessage()),
                    e);
        }
    }

    private static void subscribe(DBusConnection c, Consumer<BluezEvent> listener) throws DBusException {
        // In dbus-java's ObjectManager signals, getSignalSource() is the added or removed object; getObjectPath()
        // is the path of the object manager that sent the signal.
        c.addSigHandler(ObjectManager.InterfacesAdded.class, s -> {
            String path = s.getSignalSource().getPath();
            if (BluezProperties.isBluezPath(path)) {
                BluezProperties.toObjects(path, s.getInterfaces())
                        .forEach(o -> listener.accept(new BluezEvent.ObjectAdded(o)));
            }
        });
        c.addSigHandler(ObjectManager.InterfacesRemoved.class, s -> {
            String path = s.getSignalSource().getPath();
            List<String> gone = s.getInterfaces();
            if (BluezProperties.isBluezPath(path)
                    && (gone.contains(ADAPTER) || gone.contains(DEVICE) || gone.contains(CHARACTERISTIC))) {
                listener.accept(new BluezEvent.ObjectRemoved(path));
            }
        });
        c.addSigHandler(Properties.PropertiesChanged.class, s -> {
            if (BluezProperties.isBluezPath(s.getPath())) {
                BluezProperties.toChange(s.getPath(), s.getInterfaceName(), s.getPropertiesChanged())
                        .ifPresent(listener);
            }
        });
        // bluetoothd restarting on a live bus: its objects vanish without InterfacesRemoved.
        c.addSigHandler(DBus.NameOwnerChanged.class, s -> {
            if (BLUEZ.equals(s.name) && !s.oldOwner.isEmpty()) {
                listener.accept(new BluezEvent.BusLost("org.bluez left the bus"));
            }
        });
    }

    @Override
    public boolean isOpen() {
        DBusConnection c = connection;
        return c != null && c.isConnected();
    }

    @Override
    public void startDiscovery(String adapterPath) throws BluezException {
        call("StartDiscovery", adapterPath, () -> remote(adapterPath, Adapter1.class).StartDiscovery());
    }

    @Override
    public void stopDiscovery(String adapterPath) throws BluezException {
        call("StopDiscovery", adapterPath, () -> remote(adapterPath, Adapter1.class).StopDiscovery());
    }

    @Override
    public void connect(String devicePath) throws BluezException {
        call("Connect", devicePath, () -> remote(devicePath, Device1.class).Connect());
    }

    @Override
    public void disconnect(String devicePath) throws BluezException {
        call("Disconnect", devicePath, () -> remote(devicePath, Device1.class).Disconnect());
    }

    @Override
    public void pair(String devicePath, Bonding bonding) throws BluezException {
        agent.expect(devicePath, bonding);
        try {
            call("Pair", devicePath, () -> remote(devicePath, Device1.class).Pair());
        } finally {
            agent.forget(devicePath);
        }
    }

    @Override
    public void registerAgent(String capability) throws BluezException {
        call("RegisterAgent", "/org/bluez", () -> {
            connectionOrThrow().exportObject(AGENT_PATH, agent);
            AgentManager1 manager = remote("/org/bluez", AgentManager1.class);
            manager.RegisterAgent(new DBusPath(AGENT_PATH), capability);
            manager.RequestDefaultAgent(new DBusPath(AGENT_PATH));
        });
    }

    @Override
    public byte[] read(String characteristicPath) throws BluezException {
        byte[][] out = new byte[1][];
        call("ReadValue", characteristicPath,
                () -> out[0] = remote(characteristicPath, GattCharacteristic1.class).ReadValue(Map.of()));
        return out[0];
    }

    @Override
    public void write(String characteristicPath, byte[] value) throws BluezException {
        call("WriteValue", characteristicPath, () -> remote(characteristicPath, GattCharacteristic1.class)
                .WriteValue(value, Map.of("type", new Variant<>("request"))));
    }

    @Override
    public void startNotify(String characteristicPath) throws BluezException {
        call("StartNotify", characteristicPath,
                () -> remote(characteristicPath, GattCharacteristic1.class).StartNotify());
    }

    @Override
    public BluezObject.Characteristic describeCharacteristic(String characteristicPath) throws BluezException {
        List<Map<String, Variant<?>>> properties = new ArrayList<>(1);
        call("GetAll", characteristicPath,
                () -> properties.add(remote(characteristicPath, Properties.class).GetAll(CHARACTERISTIC)));
        return BluezProperties.characteristic(characteristicPath, properties.get(0));
    }

    @Override
    public void close() {
        DBusConnection c = connection;
        connection = null;
        if (c != null) {
            c.disconnect();
        }
    }

    private <T extends DBusInterface> T remote(String path, Class<T> type) throws DBusException, BluezException {
        return connectionOrThrow().getRemoteObject(BLUEZ, path, type);
    }

    private DBusConnection connectionOrThrow() throws BluezException {
        DBusConnection c = connection;
        if (c == null || !c.isConnected()) {
            throw new BluezException(BluezException.Kind.BUS_LOST, "not connected to the bus", null);
        }
        return c;
    }

    private interface DbusCall {
        void run() throws DBusException, BluezException;
    }

    private void call(String what, String path, DbusCall body) throws BluezException {
        try {
            body.run();
        } catch (DBusException | DBusExecutionException e) {
            // The path and BlueZ's own message hold the device's address; the message is logged, the cause is not.
            throw new BluezException(classify(e), aliases.scrub(what + " on " + path + " failed: " + describe(e)), e);
        }
    }

    private BluezException.Kind classify(Exception e) {
        if (e instanceof NotConnected || e instanceof ServiceUnknown || !isOpen()) {
            return BluezException.Kind.BUS_LOST;
        }
        if (e instanceof UnknownObject || e instanceof UnknownMethod) {
            return BluezException.Kind.OBJECT_GONE;
        }
        return switch (errorName(e)) {
            case "org.bluez.Error.DoesNotExist" -> BluezException.Kind.OBJECT_GONE;
            // BlueZ's answers to "insufficient authentication/encryption" on an unbonded link.
            case "org.bluez.Error.NotPermitted", "org.bluez.Error.NotAuthorized" -> BluezException.Kind.NOT_AUTHORIZED;
            // Pair(): a wrong passkey, the device or our agent declined, or the bonding was cancelled.
            case "org.bluez.Error.AuthenticationFailed", "org.bluez.Error.AuthenticationRejected",
                 "org.bluez.Error.AuthenticationCanceled", "org.bluez.Error.AuthenticationTimeout" ->
                    BluezException.Kind.AUTHENTICATION_FAILED;
            default -> BluezException.Kind.FAILED;
        };
    }

    /** The D-Bus error name where dbus-java kept it (see {@link org.bluez.Error}), else the exception's class. */
    private static String errorName(Exception e) {
        Class<?> type = e.getClass();
        if (type.getEnclosingClass() == org.bluez.Error.class) {
            return "org.bluez.Error." + type.getSimpleName();
        }
        return type.getName();
    }

    private static String describe(Exception e) {
        return errorName(e) + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    /** Turns the connection's own loss notices into a {@link BluezEvent.BusLost}; our own close is not a loss. */
    private static final class LossReporter implements IDisconnectCallback {

        private final Consumer<BluezEvent> listener;

        LossReporter(Consumer<BluezEvent> listener) {
            this.listener = listener;
        }

        @Override
        public void disconnectOnError(IOException e) {
            LOG.warn("D-Bus connection lost: {}", e.getMessage());
            listener.accept(new BluezEvent.BusLost("connection lost: " + e.getMessage()));
        }

        @Override
        public void exceptionOnTerminate(IOException e) {
            listener.accept(new BluezEvent.BusLost("connection terminated: " + e.getMessage()));
        }
    }
}
