package io.vitalwire.gateway.ble.bluez;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.GatewayConfig;
import io.vitalwire.gateway.backoff.Backoff;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.RecordCursors;
import io.vitalwire.gateway.clock.GatewayClockSync;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLE health devices through BlueZ: keeps the allow-listed devices connected and their values flowing into the
 * durable buffer, and recovers on its own from what BlueZ users hit (stale objects, devices vanishing when discovery
 * stops, services resolving late or never, bus loss, adapter power cycles, values before the subscription is done).
 *
 * <p>All state lives on one thread: D-Bus signals are queued onto it in bus order, and a periodic supervision pass
 * runs the deadlines, retries and the discovery policy. So no two steps for one device ever interleave.
 */
@Context
@Requires(property = "vitalwire.gateway.ble.enabled", value = "true")
public class BluezIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BluezIntake.class);

    private final BleConfig config;
    private final AllowList allow;
    private final BluezClient client;
    private final GattIntake intake;
    private final BleCounters counters;
    private final DeviceSetup setup;
    private final GatewayClockSync clockSync;
    private final Clock clock;
    private final String adapterPath;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ble");
        t.setDaemon(true);
        return t;
    });

    // Loop thread only.
    private final Backoff busBackoff;
    private final Map<String, DeviceLink> links = new HashMap<>();
    private final Map<String, DeviceLink> byCharacteristic = new HashMap<>();
    /** Addresses that turned out to be allow-listed serials, so they are reconnected without asking again. */
    private final Set<String> serialMatched = new HashSet<>();
    private final Set<String> denied = new HashSet<>();
    /** Last glucose sequence number per device that reached the buffer, kept in the buffer's file. */
    private final RecordCursors cursors;
    private int generation;
    private boolean busOpen;
    private Instant nextBusAttempt = Instant.MIN;
    private boolean adapterPresent;
    private boolean powered;
    private boolean discovering;
    private boolean ourDiscovery;
    private boolean agentRegistered;
    private volatile boolean closed;
    private volatile BleState state = BleState.initial();

    @Inject
    BluezIntake(BleConfig config, GatewayConfig gateway, GattIntake intake, BleCounters counters,
                GatewayClockSync clockSync, RecordCursors cursors) {
        this(config, new DbusBluezClient(config.getBusAddress()), intake, counters,
                gateway.getDeviceTimeZone().isBlank() ? ZoneId.systemDefault()
                        : ZoneId.of(gateway.getDeviceTimeZone()), Clock.systemUTC(), clockSync, cursors);
    }

    BluezIntake(BleConfig config, BluezClient client, GattIntake intake, BleCounters counters, ZoneId deviceZone,
                Clock clock, GatewayClockSync clockSync, RecordCursors cursors) {
        this.clockSync = clockSync;
        this.cursors = cursors;
        this.config = config;
        this.allow = new AllowList(config.getAllowList());
        this.client = client;
        this.intake = intake;
        this.counters = counters;
        this.clock = clock;
        this.setup = new DeviceSetup(client, deviceZone, clock);
        this.adapterPath = "/org/bluez/" + config.getAdapter();
        this.busBackoff = new Backoff(config.getReconnectBackoffMin(), config.getReconnectBackoffMax());
    }

    @PostConstruct
    void start() {
        if (allow.isEmpty()) {
            LOG.warn("BLE is enabled but vitalwire.gateway.ble.allow-list is empty: no device will be connected");
        }
        long every = Math.max(50, config.getSuperviseInterval().toMillis());
        loop.execute(this::openBus);
        loop.scheduleWithFixedDelay(this::supervise, every, every, TimeUnit.MILLISECONDS);
    }

    /** The adapter and devices as last seen, for health and status. */
    public BleState state() {
        return state;
    }

    // ---- the bus ----

    private void openBus() {
        if (closed || busOpen) {
            return;
        }
        int gen = ++generation;
        try {
            List<BluezObject> objects = client.open(event -> enqueue(gen, event));
            busOpen = true;
            busBackoff.reset();
            counters.event("bus-connected");
            LOG.info("connected to BlueZ: {} objects", objects.size());
            objects.forEach(this::added);
            registerAgent();
        } catch (BluezException e) {
            nextBusAttempt = clock.instant().plus(busBackoff.next());
            LOG.warn("BlueZ is not reachable ({}); next attempt at {}", e.getMessage(), nextBusAttempt);
        }
        publishState();
    }

    private void enqueue(int gen, BluezEvent event) {
        try {
            loop.execute(() -> {
                if (gen == generation && busOpen) {
                    handle(event);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // closing: nothing more to do
        }
    }

    private void registerAgent() {
        if (agentRegistered) {
            return;
        }
        try {
            client.registerAgent();
            agentRegistered = true;
        } catch (BluezException e) {
            // Not fatal: devices that need no bonding still work, and a system agent may already be registered.
            LOG.info("no pairing agent registered: {}", e.getMessage());
        }
    }

    /** Bus connection lost or BlueZ gone: every path is void; reconnect with backoff and rebuild from a snapshot. */
    private void busLost(String reason) {
        if (!busOpen) {
            return;
        }
        busOpen = false;
        generation++;
        client.close();
        counters.event("bus-lost");
        LOG.warn("lost BlueZ ({}); reconnecting with backoff", reason);
        forgetAll();
        agentRegistered = false;
        nextBusAttempt = clock.instant().plus(busBackoff.next());
        publishState();
    }

    private void forgetAll() {
        links.clear();
        byCharacteristic.clear();
        adapterPresent = false;
        powered = false;
        discovering = false;
        ourDiscovery = false;
    }

    // ---- events ----

    private void handle(BluezEvent event) {
        try {
            if (event instanceof BluezEvent.ObjectAdded added) {
                added(added.object());
            } else if (event instanceof BluezEvent.ObjectRemoved removed) {
                removed(removed.path());
            } else if (event instanceof BluezEvent.AdapterChanged changed) {
                adapterChanged(changed);
            } else if (event instanceof BluezEvent.DeviceChanged changed) {
                deviceChanged(changed);
            } else if (event instanceof BluezEvent.ValueChanged value) {
                valueChanged(value.characteristicPath(), value.value());
            } else if (event instanceof BluezEvent.BusLost lost) {
                busLost(lost.reason());
            }
        } catch (RuntimeException e) {
            LOG.error("BLE event handling failed", e);
        }
        publishState();
    }

    private void added(BluezObject object) {
        if (object instanceof BluezObject.Adapter a) {
            if (a.path().equals(adapterPath)) {
                adapterPresent = true;
                powered = a.powered();
                discovering = a.discovering();
            }
        } else if (object instanceof BluezObject.Device d) {
            if (d.adapterPath().equals(adapterPath) && !links.containsKey(d.path())) {
                links.put(d.path(), new DeviceLink(d, new Backoff(config.getReconnectBackoffMin(),
                        config.getReconnectBackoffMax())));
            }
        } else if (object instanceof BluezObject.Characteristic c) {
            DeviceLink link = c.devicePath() == null ? null : links.get(c.devicePath());
            if (link != null) {
                link.characteristics.put(c.path(), c.uuid16());
                byCharacteristic.put(c.path(), link);
            }
        }
    }

    private void removed(String path) {
        DeviceLink link = links.remove(path);
        if (link != null) {
            counters.event("device-removed");
            LOG.info("device {} was removed by BlueZ; forgetting its objects until it is rediscovered",
                    link.address);
            abandonTransfer(link);
            link.characteristics.keySet().forEach(byCharacteristic::remove);
            return;
        }
        DeviceLink owner = byCharacteristic.remove(path);
        if (owner != null) {
            owner.characteristics.remove(path);
            return;
        }
        if (path.equals(adapterPath)) {
            LOG.warn("adapter {} was removed", path);
            links.clear();
            byCharacteristic.clear();
            adapterPresent = false;
            powered = false;
            discovering = false;
            ourDiscovery = false;
        }
    }

    private void adapterChanged(BluezEvent.AdapterChanged changed) {
        if (!changed.path().equals(adapterPath)) {
            return;
        }
        if (changed.discovering() != null) {
            discovering = changed.discovering();
            if (!discovering) {
                ourDiscovery = false;
            }
        }
        if (changed.powered() != null && changed.powered() != powered) {
            powered = changed.powered();
            counters.event(powered ? "adapter-on" : "adapter-off");
            LOG.info("adapter {} powered {}", adapterPath, powered ? "on" : "off");
            Instant now = clock.instant();
            for (DeviceLink link : links.values()) {
                if (!powered && link.state != LinkState.DENIED) {
                    link.connected = false;
                    link.servicesResolved = false;
                    link.retryLater(now);
                } else if (powered) {
                    link.backoff.reset();
                    link.retryAt = now;
                }
            }
        }
    }

    private void deviceChanged(BluezEvent.DeviceChanged changed) {
        DeviceLink link = links.get(changed.path());
        if (link == null) {
            return;
        }
        if (changed.paired() != null) {
            link.paired = changed.paired();
        }
        if (changed.servicesResolved() != null) {
            link.servicesResolved = changed.servicesResolved();
        }
        if (changed.connected() != null) {
            link.connected = changed.connected();
            if (!link.connected && link.state != LinkState.DENIED && link.state != LinkState.IDLE
                    && link.state != LinkState.WAITING) {
                counters.event("device-disconnected");
                LOG.info("device {} disconnected", link.address);
                abandonTransfer(link);
                link.retryLater(clock.instant());
                return;
            }
        }
        if (link.servicesResolved && link.connected && link.state == LinkState.RESOLVING) {
            setUp(link);
        }
    }

    private void valueChanged(String characteristicPath, byte[] value) {
        DeviceLink link = byCharacteristic.get(characteristicPath);
        if (link == null) {
            link = learnCharacteristic(characteristicPath);
            if (link == null) {
                return;
            }
        }
        if (link.state == LinkState.DENIED) {
            return;
        }
        int uuid16 = link.characteristics.getOrDefault(characteristicPath, -1);
        if (uuid16 == WellKnownUuids.RECORD_ACCESS_CONTROL_POINT) {
            racpResponse(link, value);
            return;
        }
        Optional<HealthCharacteristic> characteristic = HealthCharacteristic.of(uuid16);
        if (characteristic.isEmpty()) {
            return;
        }
        Instant receivedAt = clock.instant();
        if (link.identity == null) {
            // Notifications before subscription: the device sent before the link was ready; keep it for then.
            if (!link.hold(new DeviceLink.PendingValue(characteristic.get(), value, receivedAt))) {
                counters.rejected("before-ready-overflow", characteristic.get().hex());
            }
            return;
        }
        deliver(link, characteristic.get(), value, receivedAt);
    }

    /** A value from a characteristic BlueZ has not announced to us: ask for it, on a device we know. */
    private DeviceLink learnCharacteristic(String characteristicPath) {
        String devicePath = BluezProperties.devicePathOf(characteristicPath);
        DeviceLink link = devicePath == null ? null : links.get(devicePath);
        if (link == null) {
            return null;
        }
        try {
            BluezObject.Characteristic c = client.describeCharacteristic(characteristicPath);
            link.characteristics.put(c.path(), c.uuid16());
            byCharacteristic.put(c.path(), link);
            return link;
        } catch (BluezException e) {
            failed(link, "describe", e);
            return null;
        }
    }

    private void deliver(DeviceLink link, HealthCharacteristic characteristic, byte[] value, Instant receivedAt) {
        GattIntake.Result result = intake.accept(link.identity, characteristic, value, link.clockOffsetMillis,
                receivedAt, isStoredRecord(link, characteristic) ? Lane.ROUTINE : Lane.CRITICAL);
        List<Reading> readings = result.readings();
        DeviceLink.StoredTransfer transfer = link.storedTransfer;
        if (characteristic == HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT && transfer != null
                && !transfer.deleting) {
            // Every spot-check between the request and the response counts: deleting is allowed only if all are
            // durable (a live one among them is harmless: it is in the buffer too, or it blocks the delete).
            transfer.records++;
            transfer.allDurable &= result.durable();
        }
        if (characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT) {
            link.glucoseCursorHeld |= result.bufferRefused();
            Long highest = null;
            for (Reading r : readings) {
                if (r.sequence() != null && (highest == null || r.sequence() > highest)) {
                    highest = r.sequence();
                }
            }
            if (highest != null && !link.glucoseCursorHeld) {
                try {
                    cursors.advance(link.identity.stableId(), characteristic.hex(), highest);
                } catch (BufferException e) {
                    // The reading is durable; only the cursor lags, so the next transfer asks for more than needed.
                    LOG.warn("device {}: record cursor not saved: {}", link.address, e.getMessage());
                }
            }
        }
    }

    /**
     * A record from the device's memory rather than a value just taken: every glucose record (the Glucose Profile
     * delivers records through the Record Access Control Point) and the spot-checks of a stored-records transfer.
     */
    private static boolean isStoredRecord(DeviceLink link, HealthCharacteristic characteristic) {
        return characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT
                || characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT_CONTEXT
                || (characteristic == HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT && link.storedTransfer != null
                        && !link.storedTransfer.deleting);
    }

    private void racpResponse(DeviceLink link, byte[] value) {
        if (link.storedTransfer != null) {
            spotCheckTransferResponse(link, link.storedTransfer, value);
            return;
        }
        if (value.length >= 4 && (value[0] & 0xFF) == DeviceSetup.RACP_RESPONSE_CODE) {
            int code = value[3] & 0xFF;
            String outcome = code == DeviceSetup.RACP_SUCCESS ? "racp-complete"
                    : code == DeviceSetup.RACP_NO_RECORDS_FOUND ? "racp-no-records" : "racp-error";
            counters.event(outcome);
            LOG.info("device {}: stored records transfer ended ({})", link.address, outcome);
        }
    }

    /**
     * The oximeter's RACP answered. After Report Stored Records succeeded and every record of the transfer is durable
     * (committed, or already known by its key), Delete Stored Records (all), so the next connection brings only new
     * records; otherwise nothing is deleted and the records come again next time, recognised by their keys.
     */
    private void spotCheckTransferResponse(DeviceLink link, DeviceLink.StoredTransfer transfer, byte[] value) {
        String ref = HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT.hex();
        if (value.length < 4 || (value[0] & 0xFF) != DeviceSetup.RACP_RESPONSE_CODE) {
            LOG.info("device {}: unexpected RACP indication of {} octets ignored", link.address, value.length);
            return;
        }
        int request = value[2] & 0xFF;
        int code = value[3] & 0xFF;
        if (transfer.deleting) {
            if (request != DeviceSetup.RACP_DELETE_STORED_RECORDS) {
                return;
            }
            link.storedTransfer = null;
            counters.storedRecords(code == DeviceSetup.RACP_SUCCESS ? "deleted" : "delete-failed", ref);
            LOG.info("device {}: stored spot-checks {}", link.address,
                    code == DeviceSetup.RACP_SUCCESS ? "deleted" : "not deleted (response code " + code + ")");
            return;
        }
        if (request != DeviceSetup.RACP_REPORT_STORED_RECORDS) {
            return;
        }
        if (code == DeviceSetup.RACP_NO_RECORDS_FOUND) {
            link.storedTransfer = null;
            counters.storedRecords("no-records", ref);
            LOG.info("device {}: no stored spot-checks", link.address);
            return;
        }
        if (code != DeviceSetup.RACP_SUCCESS) {
            link.storedTransfer = null;
            counters.storedRecords("transfer-failed", ref);
            LOG.info("device {}: stored spot-check transfer failed (response code {}); nothing deleted",
                    link.address, code);
            return;
        }
        counters.storedRecords("transfer-complete", ref);
        if (!transfer.allDurable) {
            link.storedTransfer = null;
            counters.storedRecords("kept-not-durable", ref);
            LOG.warn("device {}: {} stored spot-checks transferred, not all reached the buffer; nothing deleted",
                    link.address, transfer.records);
            return;
        }
        try {
            setup.deleteAllStoredRecords(link);
            transfer.deleting = true;
            counters.storedRecords("delete-requested", ref);
            LOG.info("device {}: {} stored spot-checks durable; deleting them on the device", link.address,
                    transfer.records);
        } catch (BluezException e) {
            link.storedTransfer = null;
            counters.storedRecords("delete-failed", ref);
            LOG.info("device {}: delete of stored spot-checks not sent ({})", link.address, e.getMessage());
            if (e.kind() == BluezException.Kind.BUS_LOST) {
                busLost(e.getMessage());
            }
        }
    }

    /** The link ended with a transfer under way: nothing was deleted; the records come again next time. */
    private void abandonTransfer(DeviceLink link) {
        if (link.storedTransfer != null) {
            counters.storedRecords(link.storedTransfer.deleting ? "delete-unconfirmed" : "transfer-interrupted",
                    HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT.hex());
            link.storedTransfer = null;
        }
    }

    // ---- connection steps ----

    private void connect(DeviceLink link) {
        link.state = LinkState.CONNECTING;
        counters.event("connect-attempt");
        try {
            if (!link.connected) {
                client.connect(link.path);
                link.connected = true;
            }
            link.state = LinkState.RESOLVING;
            link.deadline = clock.instant().plus(config.getServicesResolvedTimeout());
            if (link.servicesResolved) {
                setUp(link);
            }
        } catch (BluezException e) {
            failed(link, "connect", e);
        }
    }

    private void setUp(DeviceLink link) {
        try {
            var identity = setup.identify(link);
            if (!allow.allowsAddress(link.address) && !serialMatched.contains(link.address)) {
                if (!allow.allowsSerial(identity.serial())) {
                    deny(link);
                    return;
                }
                serialMatched.add(link.address);
            }
            link.batteryPercent = setup.batteryPercent(link);
            link.clockOffsetMillis = setClockIfAllowed(link, setup.clockOffsetMillis(link));
            link.identity = identity;
            setup.enableNotifications(link);
            boolean records = setup.requestStoredRecords(link, lastGlucoseRecord(identity.stableId()));
            link.storedTransfer = null;
            link.glucoseCursorHeld = false;
            if (!records && setup.requestStoredSpotChecks(link)) {
                records = true;
                link.storedTransfer = new DeviceLink.StoredTransfer();
                counters.storedRecords("requested", HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT.hex());
            }
            link.state = LinkState.ACTIVE;
            link.deadline = Instant.MAX;
            link.backoff.reset();
            counters.event("device-ready");
            LOG.info("device {} ready: {} health characteristics, battery {}%, clock offset {} ms{}", link.address,
                    link.healthCharacteristicPaths().size(), link.batteryPercent, link.clockOffsetMillis,
                    records ? ", stored records requested" : "");
            while (!link.pending.isEmpty()) {
                DeviceLink.PendingValue p = link.pending.poll();
                deliver(link, p.characteristic(), p.value(), p.receivedAt());
            }
        } catch (BluezException e) {
            link.identity = null;
            failed(link, "setup", e);
        }
    }

    /**
     * Sets the device's clock when the operator allows it, the gateway's own clock is synchronised and the device is
     * off by more than the tolerance; then verifies by reading it back. Outcomes are counted
     * ({@code clock-set-succeeded}, {@code clock-set-failed}, {@code clock-set-skipped-unsynced}).
     *
     * @return the offset to use for this connection's readings (the verified one after a write)
     */
    private Long setClockIfAllowed(DeviceLink link, Long offset) throws BluezException {
        if (offset == null || !config.isSetDeviceClock()
                || Math.abs(offset) <= DeviceSetup.CLOCK_TOLERANCE_MILLIS) {
            return offset;
        }
        if (!clockSync.isSynchronised()) {
            counters.event("clock-set-skipped-unsynced");
            LOG.info("device {}: clock off by {} ms, not set: the gateway's clock is not known to be synchronised",
                    link.address, offset);
            return offset;
        }
        try {
            Long after = setup.setClock(link);
            if (after != null && Math.abs(after) <= DeviceSetup.CLOCK_TOLERANCE_MILLIS) {
                counters.event("clock-set-succeeded");
                LOG.info("device {}: clock set (was off by {} ms, now {} ms)", link.address, offset, after);
                return after;
            }
            // Accepted without effect, as some devices do: keep correcting by the measured offset.
            counters.event("clock-set-failed");
            LOG.warn("device {}: clock write accepted but the clock is still off ({} ms)", link.address, after);
            return after != null ? after : offset;
        } catch (BluezException e) {
            if (e.kind() == BluezException.Kind.BUS_LOST || e.kind() == BluezException.Kind.OBJECT_GONE) {
                throw e;
            }
            counters.event("clock-set-failed");
            LOG.info("device {}: clock write refused ({})", link.address, e.getMessage());
            return offset;
        }
    }

    /** The cursor, or null (ask for all records) when none is known or it cannot be read. */
    private Long lastGlucoseRecord(String device) {
        try {
            var last = cursors.last(device, HealthCharacteristic.GLUCOSE_MEASUREMENT.hex());
            return last.isPresent() ? last.getAsLong() : null;
        } catch (BufferException e) {
            LOG.warn("record cursor of {} not readable ({}); asking for all records", device, e.getMessage());
            return null;
        }
    }

    private void deny(DeviceLink link) {
        denied.add(link.address);
        link.state = LinkState.DENIED;
        counters.event("device-denied");
        LOG.info("device {} is not on the allow-list; leaving it alone", link.address);
        try {
            client.disconnect(link.path);
        } catch (BluezException e) {
            LOG.debug("disconnecting {}: {}", link.address, e.getMessage());
        }
    }

    private void failed(DeviceLink link, String step, BluezException e) {
        switch (e.kind()) {
            case BUS_LOST -> busLost(e.getMessage());
            case OBJECT_GONE -> {
                counters.event("stale-object");
                if (step.equals("connect")) {
                    // The device object itself is gone: forget it until BlueZ reports it again.
                    LOG.info("device {}: its object is stale; waiting for rediscovery", link.address);
                    links.remove(link.path);
                    link.characteristics.keySet().forEach(byCharacteristic::remove);
                } else {
                    // A GATT object vanished under us (the device dropped the link): start over on the device.
                    LOG.info("device {}: {} hit a stale GATT object; retrying", link.address, step);
                    link.retryLater(clock.instant());
                }
            }
            case NOT_AUTHORIZED -> pair(link, step, e);
            case FAILED -> {
                counters.event(step + "-failed");
                LOG.info("device {}: {} failed ({}); retrying with backoff", link.address, step, e.getMessage());
                disconnectQuietly(link);
                link.retryLater(clock.instant());
            }
        }
    }

    /** The device wants a bonded link: pair through our agent, then the next attempt sets it up again. */
    private void pair(DeviceLink link, String step, BluezException cause) {
        if (link.paired) {
            failed(link, step, new BluezException(BluezException.Kind.FAILED, cause.getMessage(), cause));
            return;
        }
        counters.event("pairing");
        LOG.info("device {} requires bonding for {}; pairing", link.address, step);
        try {
            client.pair(link.path);
            link.paired = true;
            link.state = LinkState.RESOLVING;
            link.deadline = clock.instant().plus(config.getServicesResolvedTimeout());
            if (link.servicesResolved && link.connected) {
                setUp(link);
            }
        } catch (BluezException e) {
            failed(link, "pair", e.kind() == BluezException.Kind.NOT_AUTHORIZED
                    ? new BluezException(BluezException.Kind.FAILED, e.getMessage(), e) : e);
        }
    }

    private void disconnectQuietly(DeviceLink link) {
        try {
            client.disconnect(link.path);
        } catch (BluezException e) {
            LOG.debug("disconnecting {}: {}", link.address, e.getMessage());
        }
    }

    // ---- supervision: deadlines, retries, discovery ----

    private void supervise() {
        try {
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            if (!busOpen) {
                if (!now.isBefore(nextBusAttempt)) {
                    openBus();
                }
                return;
            }
            if (!client.isOpen()) {
                busLost("connection closed");
                return;
            }
            for (DeviceLink link : List.copyOf(links.values())) {
                if (link.state == LinkState.RESOLVING && now.isAfter(link.deadline)) {
                    counters.event("services-resolved-timeout");
                    LOG.info("device {}: services not resolved within {}; disconnecting to retry", link.address,
                            config.getServicesResolvedTimeout());
                    disconnectQuietly(link);
                    link.retryLater(now);
                }
            }
            if (adapterPresent && powered) {
                keepDiscovery();
                for (DeviceLink link : List.copyOf(links.values())) {
                    if (busOpen && links.get(link.path) == link && isDue(link, now) && isCandidate(link)) {
                        connect(link);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("BLE supervision failed", e);
        }
        publishState();
    }

    private static boolean isDue(DeviceLink link, Instant now) {
        return (link.state == LinkState.IDLE || link.state == LinkState.WAITING) && !now.isBefore(link.retryAt);
    }

    /** Ours by address, known to be ours by serial, or possibly ours: an unknown health device while serials wait. */
    private boolean isCandidate(DeviceLink link) {
        if (denied.contains(link.address)) {
            return false;
        }
        if (allow.allowsAddress(link.address) || serialMatched.contains(link.address)) {
            return true;
        }
        return allow.hasSerials() && unmatchedSerials() > 0
                && link.serviceUuids16.stream().anyMatch(WellKnownUuids.HEALTH_SERVICES::contains);
    }

    private long unmatchedSerials() {
        Set<String> active = new HashSet<>();
        for (DeviceLink link : links.values()) {
            if (link.state == LinkState.ACTIVE && link.identity != null && link.identity.serial() != null) {
                active.add(link.identity.serial());
            }
        }
        return allow.serials().stream().filter(s -> !active.contains(s)).count();
    }

    /**
     * Discovery runs while an allow-listed device is not active: BlueZ drops devices it has not seen advertising
     * soon after discovery stops, and a device that is not in BlueZ's tree cannot be connected.
     */
    private void keepDiscovery() {
        Set<String> activeAddresses = new HashSet<>();
        for (DeviceLink link : links.values()) {
            if (link.state == LinkState.ACTIVE) {
                activeAddresses.add(link.address.toUpperCase(java.util.Locale.ROOT));
            }
        }
        boolean missing = unmatchedSerials() > 0
                || allow.addresses().stream().anyMatch(a -> !activeAddresses.contains(a));
        try {
            if (missing && !discovering) {
                client.startDiscovery(adapterPath);
                discovering = true;
                ourDiscovery = true;
                counters.event("discovery-started");
            } else if (!missing && ourDiscovery) {
                client.stopDiscovery(adapterPath);
                ourDiscovery = false;
                counters.event("discovery-stopped");
            }
        } catch (BluezException e) {
            if (e.kind() == BluezException.Kind.BUS_LOST) {
                busLost(e.getMessage());
            } else {
                LOG.info("discovery on {}: {}", adapterPath, e.getMessage());
            }
        }
    }

    private void publishState() {
        int active = 0;
        for (DeviceLink link : links.values()) {
            if (link.state == LinkState.ACTIVE) {
                active++;
            }
        }
        state = new BleState(busOpen, adapterPresent, powered, discovering, links.size(), active);
    }

    @PreDestroy
    @Override
    public void close() {
        closed = true;
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
