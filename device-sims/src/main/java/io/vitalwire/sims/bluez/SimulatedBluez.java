package io.vitalwire.sims.bluez;

import io.vitalwire.sims.vitals.Vitals;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bluez.Agent1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.ObjectManager;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;
import org.freedesktop.dbus.types.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated BlueZ on a D-Bus bus: it owns {@code org.bluez} and exports the tree real BlueZ exports (ObjectManager
 * at "/", AgentManager1 at /org/bluez, Adapter1 at /org/bluez/hci0, Device1, GattService1, GattCharacteristic1 with
 * Properties and PropertiesChanged), with simulated health devices behind it and faults a test can script.
 *
 * <p>Devices appear while discovery runs and they advertise; without discovery, disconnected unpaired devices are
 * removed after {@link #TEMPORARY_TIMEOUT}, as BlueZ removes temporary devices. One lock (this object) guards all
 * state; D-Bus calls and timers take it.
 */
public final class SimulatedBluez implements AutoCloseable {

    private static final Pattern ADDRESS = Pattern.compile(
            "(?i)(dev_)?(?<![0-9a-f])[0-9a-f]{2}([:_-])[0-9a-f]{2}(\\2[0-9a-f]{2}){4}(?![0-9a-f])");
    private static final Logger LOG = LoggerFactory.getLogger(SimulatedBluez.class);
    static final String ADAPTER_PATH = "/org/bluez/hci0";
    /** How long a disconnected, unpaired device stays known once discovery has stopped (BlueZ: 30 s). */
    static final Duration TEMPORARY_TIMEOUT = Duration.ofSeconds(1);

    private final String busAddress;
    private final ZoneId zone;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-bluez");
        t.setDaemon(true);
        return t;
    });
    private final SimRoot root = new SimRoot(this);
    private final SimAgentManager agentManager = new SimAgentManager();
    private final SimAdapter adapter = new SimAdapter(this, ADAPTER_PATH);
    private final Map<SimDeviceKind, SimDevice> devices = new EnumMap<>(SimDeviceKind.class);
    private final Map<String, SimObject> exported = new LinkedHashMap<>();
    private final List<SimMeasurement> sent = new CopyOnWriteArrayList<>();
    private final List<byte[]> racpRequests = new CopyOnWriteArrayList<>();
    private final Map<SimDeviceKind, List<byte[]>> racpRequestsByKind = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<SimDeviceKind, List<byte[]>> racpResponsesByKind =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<SimDeviceKind, List<byte[]>> currentTimeWrites = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<SimDeviceKind, List<Instant>> connectAttempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<SimDeviceKind, List<Instant>> pairAttempts = new java.util.concurrent.ConcurrentHashMap<>();
    /** The passkeys client agents entered, in order. */
    private final List<Long> passkeysEntered = new CopyOnWriteArrayList<>();
    private DBusConnection connection;
    private Instant discoveryStoppedAt = Instant.MIN;

    private SimulatedBluez(String busAddress, ZoneId zone, Collection<SimDeviceKind> kinds) {
        this.busAddress = busAddress;
        this.zone = zone;
        for (SimDeviceKind kind : kinds) {
            devices.put(kind, new SimDevice(this, ADAPTER_PATH, kind));
        }
    }

    /**
     * Connects to the bus at {@code busAddress}, takes the name org.bluez and exports the adapter; the devices
     * appear once a client starts discovery.
     *
     * @param zone the zone of the devices' local clocks (Current Time and timestamps)
     */
    public static SimulatedBluez start(String busAddress, ZoneId zone, Collection<SimDeviceKind> kinds)
            throws DBusException {
        SimulatedBluez bluez = new SimulatedBluez(busAddress, zone, kinds);
        synchronized (bluez) {
            bluez.attach();
        }
        bluez.timer.scheduleWithFixedDelay(bluez::tick, 100, 100, TimeUnit.MILLISECONDS);
        return bluez;
    }

    private void attach() throws DBusException {
        connection = DBusConnectionBuilder.forAddress(busAddress).withShared(false).build();
        connection.requestBusName("org.bluez");
        connection.exportObject("/", root);
        connection.exportObject("/org/bluez", agentManager);
        export(adapter);
        for (SimDevice d : devices.values()) {
            if (d.paired()) {
                export(d); // BlueZ restores bonded devices from storage at start
            }
        }
        LOG.info("simulated BlueZ on {} with {}", busAddress, devices.keySet());
    }

    // ---- what tests and the main class drive ----

    /** The device takes its next measurement (sent now if someone listens, else kept or lost per its kind). */
    public synchronized void measure(SimDeviceKind kind) {
        device(kind).measure();
    }

    /**
     * Scenario: the device measures these values now by its own clock, or {@code ago} earlier (see
     * {@link SimDevice#measure(Vitals, boolean, Integer, Duration)}).
     */
    public synchronized void measure(SimDeviceKind kind, Vitals values, boolean continuous, Integer user,
                                     Duration ago) {
        device(kind).measure(values, continuous, user, ago);
    }

    /** Scenario: the device's clock runs this far ahead of true local time (until a client writes Current Time). */
    public synchronized void clockDrift(SimDeviceKind kind, Duration drift) {
        device(kind).clockDrift(drift);
    }

    /** Scenario: the device's Battery Level (percent) from now on, notified to a subscribed client. */
    public synchronized void battery(SimDeviceKind kind, int level) {
        device(kind).battery(level);
    }

    /** Every value the devices sent, in order (re-sends included). */
    public List<SimMeasurement> sent() {
        return List.copyOf(sent);
    }

    /** The RACP requests the glucose meter received, as written. */
    public List<byte[]> racpRequests() {
        return List.copyOf(racpRequests);
    }

    /** The RACP requests a device received, as written, in order. */
    public List<byte[]> racpRequests(SimDeviceKind kind) {
        return List.copyOf(racpRequestsByKind.getOrDefault(kind, List.of()));
    }

    /** The RACP indications a device sent (responses and number-of-records responses), in order. */
    public List<byte[]> racpResponses(SimDeviceKind kind) {
        return List.copyOf(racpResponsesByKind.getOrDefault(kind, List.of()));
    }

    /** The spot-check records the oximeter holds in its measurement storage now. */
    public synchronized List<SimMeasurement> storedRecords(SimDeviceKind kind) {
        return device(kind).storedSpotChecks();
    }

    /**
     * Fault: the oximeter's next Report Stored Records transfer breaks off: after {@code records} records the link
     * drops, before the RACP response.
     */
    public synchronized void interruptNextStoredTransfer(SimDeviceKind kind, int records) {
        device(kind).interruptNextTransferAfter(records);
    }

    /** The Current Time values a client wrote to the device, in order. */
    public List<byte[]> currentTimeWrites(SimDeviceKind kind) {
        return List.copyOf(currentTimeWrites.getOrDefault(kind, List.of()));
    }

    /** The device's clock minus true local time now (its drift, or what the last Current Time write made it). */
    public synchronized Duration clockOffset(SimDeviceKind kind) {
        return device(kind).clockOffset();
    }

    /** Whether a client is connected to the device with all its health characteristics notifying. */
    public synchronized boolean listening(SimDeviceKind kind) {
        return device(kind).listening();
    }

    /**
     * Fault: the device sends {@code value} on a characteristic as is (malformed, special values): not a
     * measurement, so not in {@link #sent()}.
     *
     * @return whether someone was listening to it
     */
    public synchronized boolean sendRaw(SimDeviceKind kind, int uuid16, byte[] value) {
        return device(kind).sendRaw(uuid16, value);
    }

    /** Fault: the device drops the link (out of range, switched off). It keeps advertising. */
    public synchronized void disconnect(SimDeviceKind kind) {
        device(kind).dropLink();
    }

    /**
     * Fault: BlueZ removes the device object (InterfacesRemoved; any handle to it is stale) and the device stops
     * advertising for {@code away}; it then reappears as a new object when discovery runs.
     */
    public synchronized void remove(SimDeviceKind kind, Duration away) {
        SimDevice d = device(kind);
        d.dropLink();
        d.advertisingFrom = Instant.now().plus(away);
        unexport(d);
    }

    /** Fault: on the next {@code connects} connections the device never reports ServicesResolved. */
    public synchronized void neverResolveServices(SimDeviceKind kind, int connects) {
        device(kind).neverResolveServices(connects);
    }

    /** The device only talks over a bonded link: reads and notifications fail until paired through an agent. */
    public synchronized void requirePairing(SimDeviceKind kind) {
        device(kind).requirePairing();
    }

    public synchronized boolean paired(SimDeviceKind kind) {
        return device(kind).paired();
    }

    /**
     * The device bonds only with passkey entry of this passkey (printed on it), and only talks over a bonded link:
     * Pair() asks the client's agent for it (RequestPasskey) and fails with org.bluez.Error.AuthenticationFailed on
     * another.
     */
    public synchronized void requirePasskey(SimDeviceKind kind, int passkey) {
        device(kind).requirePasskey(passkey);
    }

    /** Scenario: the device reports this Device Information serial (and its measurements carry it). */
    public synchronized void serial(SimDeviceKind kind, String serial) {
        device(kind).serial(serial);
    }

    /**
     * Scenario: a multi-user cuff or scale; its measurements carry these user indexes in turn (1-254 a user, 255 the
     * unknown user).
     */
    public synchronized void users(SimDeviceKind kind, int... indexes) {
        device(kind).users(indexes);
    }

    /** The address BlueZ presents the device under now (a private one until a device with privacy is bonded). */
    public synchronized String address(SimDeviceKind kind) {
        return device(kind).address();
    }

    /** When a client called Device1.Connect on the device. */
    public List<Instant> connectAttempts(SimDeviceKind kind) {
        return List.copyOf(connectAttempts.getOrDefault(kind, List.of()));
    }

    /** When a client called Device1.Pair on the device. */
    public List<Instant> pairAttempts(SimDeviceKind kind) {
        return List.copyOf(pairAttempts.getOrDefault(kind, List.of()));
    }

    /** The passkeys client agents answered RequestPasskey with, in order. */
    public List<Long> passkeysEntered() {
        return List.copyOf(passkeysEntered);
    }

    /** Fault: the adapter is powered off (every link drops, discovery stops), and on again after {@code off}. */
    public synchronized void powerCycle(Duration off) {
        setPowered(false);
        later(off, () -> setPowered(true));
    }

    /**
     * Fault: the dbus-daemon dies (SIGKILL) and a new one starts at the same address; this BlueZ re-attaches as
     * bluetoothd would after a restart: every link down, devices to be discovered again.
     */
    public void restartBus(DbusDaemon daemon) throws IOException, InterruptedException, DBusException {
        synchronized (this) {
            exported.clear();
            agentManager.forget();
            adapter.define(SimAdapter.IFACE, "Discovering", new Variant<>(false));
            adapter.define(SimAdapter.IFACE, "Powered", new Variant<>(true));
            for (SimDevice d : devices.values()) {
                d.resetAfterBusLoss();
            }
            DBusConnection old = connection;
            connection = null;
            daemon.kill();
            // Closing a connection whose daemon is gone can take dbus-java many seconds: not on this path.
            Thread closer = new Thread(old::disconnect, "sim-bluez-old-bus");
            closer.setDaemon(true);
            closer.start();
        }
        daemon.restart();
        synchronized (this) {
            attach();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            if (connection != null) {
                connection.disconnect();
                connection = null;
            }
        }
    }

    // ---- for the simulated objects, under this lock ----

    ZoneId zone() {
        return zone;
    }

    boolean adapterPowered() {
        return adapter.powered();
    }

    boolean isExported(SimObject o) {
        return exported.get(o.path) == o;
    }

    void export(SimObject o) {
        if (connection == null || isExported(o)) {
            return;
        }
        try {
            connection.exportObject(o.path, o);
            exported.put(o.path, o);
            signal(new ObjectManager.InterfacesAdded("/", new DBusPath(o.path), o.interfaces()));
        } catch (DBusException e) {
            LOG.warn("cannot export {}: {}", unnamed(o.path), unnamed(e.getMessage()));
        }
    }

    void unexport(SimObject o) {
        if (!isExported(o)) {
            return;
        }
        exported.remove(o.path);
        if (connection == null) {
            return;
        }
        connection.unExportObject(o.path);
        try {
            signal(new ObjectManager.InterfacesRemoved("/", new DBusPath(o.path), o.interfaceNames()));
        } catch (DBusException e) {
            LOG.warn("cannot announce the removal of {}: {}", unnamed(o.path), unnamed(e.getMessage()));
        }
    }

    void propertiesChanged(String path, String iface, Map<String, Variant<?>> changed) {
        try {
            signal(new Properties.PropertiesChanged(path, iface, changed, List.of()));
        } catch (DBusException e) {
            LOG.warn("cannot signal a change on {}: {}", unnamed(path), unnamed(e.getMessage()));
        }
    }

    private void signal(DBusSignal s) {
        if (connection != null) {
            connection.sendMessage(s);
        }
    }

    Map<DBusPath, Map<String, Map<String, Variant<?>>>> managedObjects() {
        synchronized (this) {
            Map<DBusPath, Map<String, Map<String, Variant<?>>>> all = new LinkedHashMap<>();
            exported.forEach((path, o) -> all.put(new DBusPath(path), o.interfaces()));
            return all;
        }
    }

    /** Runs {@code task} under this lock after {@code delay}. */
    void later(Duration delay, Runnable task) {
        timer.schedule(() -> {
            synchronized (this) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("simulated BlueZ task failed", e);
                }
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sent(SimMeasurement m) {
        sent.add(m);
    }

    void racpRequested(SimDeviceKind kind, byte[] request) {
        if (kind == SimDeviceKind.GLUCOSE_METER) {
            racpRequests.add(request.clone());
        }
        racpRequestsByKind.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(request.clone());
    }

    void racpResponded(SimDeviceKind kind, byte[] response) {
        racpResponsesByKind.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(response.clone());
    }

    void currentTimeWritten(SimDeviceKind kind, byte[] value) {
        currentTimeWrites.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(value.clone());
    }

    void connectAttempted(SimDeviceKind kind) {
        connectAttempts.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(Instant.now());
    }

    void pairAttempted(SimDeviceKind kind) {
        pairAttempts.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(Instant.now());
    }

    void discoveryStarted() {
        adapter.setDiscovering(true);
    }

    void discoveryStopped() {
        adapter.setDiscovering(false);
        discoveryStoppedAt = Instant.now();
    }

    void deviceDisconnected(SimDevice d) {
        // It advertises again at once; without discovery it is dropped after the temporary timeout (see tick).
        d.lastSeen = Instant.now();
    }

    void removeDevicePath(String path) {
        for (SimDevice d : devices.values()) {
            if (d.path.equals(path)) {
                d.dropLink();
                unexport(d);
            }
        }
    }

    void setPowered(boolean on) {
        if (adapter.powered() == on) {
            return;
        }
        if (!on) {
            for (SimDevice d : devices.values()) {
                d.dropLink();
            }
            discoveryStopped();
        }
        adapter.setPowered(on);
    }

    /** Asks the registered agent to confirm a pairing with {@code devicePath}; false if none or it refuses. */
    boolean agentConfirms(String devicePath) {
        SimAgentManager.Agent agent = agentManager.agent();
        DBusConnection c;
        synchronized (this) {
            c = connection;
        }
        if (agent == null || c == null) {
            return false;
        }
        try {
            c.getRemoteObject(agent.busName(), agent.path(), Agent1.class)
                    .RequestConfirmation(new DBusPath(devicePath), new UInt32(123456));
            return true;
        } catch (DBusException | DBusExecutionException e) {
            LOG.info("agent refused pairing with {}: {}", unnamed(devicePath), unnamed(e.getMessage()));
            return false;
        }
    }

    /**
     * Asks the registered agent for the passkey of a bonding with {@code devicePath} (RequestPasskey); null if there
     * is no agent, it cannot enter one (its capability has no keyboard), or it refuses.
     */
    Long agentPasskey(String devicePath) {
        SimAgentManager.Agent agent = agentManager.agent();
        DBusConnection c;
        synchronized (this) {
            c = connection;
        }
        if (agent == null || c == null || !agent.capability().startsWith("Keyboard")) {
            return null;
        }
        try {
            long entered = c.getRemoteObject(agent.busName(), agent.path(), Agent1.class)
                    .RequestPasskey(new DBusPath(devicePath)).longValue();
            passkeysEntered.add(entered);
            return entered;
        } catch (DBusException | DBusExecutionException e) {
            LOG.info("agent refused to enter a passkey for {}: {}", devicePath, e.getMessage());
            return null;
        }
    }

    /** Discovery and the temporary-device timeout, every 100 ms. */
    private synchronized void tick() {
        try {
            if (connection == null || !adapter.powered()) {
                return;
            }
            Instant now = Instant.now();
            for (SimDevice d : devices.values()) {
                boolean advertising = !d.connected() && !now.isBefore(d.advertisingFrom);
                if (adapter.discovering() && advertising && !isExported(d)) {
                    export(d);
                } else if (!adapter.discovering() && isExported(d) && !d.connected() && !d.paired()
                        && now.isAfter(discoveryStoppedAt.plus(TEMPORARY_TIMEOUT))
                        && now.isAfter(d.lastSeen.plus(TEMPORARY_TIMEOUT))) {
                    unexport(d); // devices vanish when discovery stops
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("simulated BlueZ tick failed", e);
        }
    }

    private SimDevice device(SimDeviceKind kind) {
        SimDevice d = devices.get(kind);
        if (d == null) {
            throw new IllegalArgumentException(kind + " is not simulated here");
        }
        return d;
    }

    static String uuid128(int uuid16) {
        return String.format("0000%04x-0000-1000-8000-00805f9b34fb", uuid16);
    }

    /** For logs and the main class: the devices and whether someone listens to each. */
    public synchronized List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (SimDevice d : devices.values()) {
            lines.add(d.kind + " " + d.address() + " serial " + d.kind.serial()
                    + (isExported(d) ? "" : " (not discovered)") + (d.connected() ? " connected" : "")
                    + (d.listening() ? " listening" : ""));
        }
        return lines;
    }

    /**
     * {@code text} with every BLE address (also in an object path's {@code dev_AA_BB_…}) replaced: the test suite's
     * logs are searched for the simulated devices' addresses (device-sims' SuiteLogsIT), the simulator's too.
     */
    private static String unnamed(String text) {
        return text == null ? null : ADDRESS.matcher(text).replaceAll("<simulated device>");
    }
}
