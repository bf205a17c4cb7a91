package io.vitalwire.gateway.ble.bluez;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.events.DeviceEvents;
import io.vitalwire.gateway.intake.StoredRecordCursors;
import io.vitalwire.gateway.remote.RemoteConfig;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import io.micronaut.context.annotation.Value;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLE health devices through BlueZ: keeps the allow-listed devices connected and their values flowing into the
 * intake, and recovers on its own from what BlueZ users hit (stale objects, devices vanishing when discovery stops,
 * services resolving late or never, bus loss, adapter power cycles, values before the subscription is done).
 *
 * <p>Assembles the parts, each one concern: {@link BusSession} (the bus), {@link EventDispatch} (signals),
 * {@link DeviceLink} and {@link LinkSteps} (each device's state machine and the calls that move it),
 * {@link ConnectionSetup} (identity, battery, {@link DeviceClockSetting clock}, notifications, stored records),
 * {@link StoredRecordTransfers} and {@link GlucoseCursor} (RACP), {@link ValueDelivery} (values to the intake),
 * {@link DeviceReports} (connections and battery levels to the {@link DeviceEvents}), {@link Discovery} and
 * {@link Supervision} (the periodic pass).
 *
 * <p>All state lives on one thread: D-Bus signals are queued onto it in bus order, and the supervision pass runs the
 * deadlines, retries and the discovery policy. So no two steps for one device ever interleave.
 */
@Context
@Requires(property = "vitalwire.gateway.ble.enabled", value = "true")
public class BluezIntake implements BlePairing, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BluezIntake.class);

    private final BleConfig config;
    private final BluezClient client;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ble");
        t.setDaemon(true);
        return t;
    });
    private final boolean noDevices;
    private final BluezAdapter adapter;
    private final DeviceLinks links;
    private final BusSession bus;
    private final Supervision supervision;
    private final DeviceReports reports;
    private final Candidates candidates;
    private final DeviceClockSetting clockSetting;
    private final ScanWindow scanWindow = new ScanWindow();
    private final InstallerPairing installerPairing;
    /** Whether the installer's page may ask: only then is {@link #nearby} kept up to date after every step. */
    private final boolean installerPage;
    private final Clock clock;
    private volatile boolean closed;
    private volatile BleState state = BleState.initial();
    private volatile List<NearbyDevice> nearby = List.of();

    @Inject
    BluezIntake(BleConfig config, GatewayConfig gateway, GattIntake intake, BleCounters counters,
                GatewayClockSync clockSync, StoredRecordCursors cursors, DeviceEvents events, DeviceAliases aliases,
                RemoteConfig remote, Clock clock,
                @Value("${vitalwire.gateway.installer.enabled:false}") boolean installerPage) {
        this(config, new DbusBluezClient(config.getBusAddress(), aliases), intake, counters,
                gateway.getDeviceTimeZone().isBlank() ? ZoneId.systemDefault()
                        : ZoneId.of(gateway.getDeviceTimeZone()), clock, clockSync, cursors, events, aliases,
                remote.applied().map(c -> c.devices().ble()).orElse(config.getAllowList()), installerPage);
        remote.applied().ifPresent(this::applySettings);
        remote.onApplied(applied -> {
            applySettings(applied);
            reallow(applied.devices().ble());
        });
    }

    BluezIntake(BleConfig config, BluezClient client, GattIntake intake, BleCounters counters, ZoneId deviceZone,
                Clock clock, GatewayClockSync clockSync, StoredRecordCursors cursors, DeviceEvents events,
                DeviceAliases aliases) {
        this(config, client, intake, counters, deviceZone, clock, clockSync, cursors, events, aliases,
                config.getAllowList(), false);
    }

    /**
     * @param aliases   how logs name devices (a device's address stays out of them)
     * @param allowList    the entries in force: the cloud's last good configuration's, else the local ones
     * @param installerPage whether the installer's pairing page may bond devices: the agent must then be able to
     *                      enter the passkey the installer types, even when no entry names one
     */
    BluezIntake(BleConfig config, BluezClient client, GattIntake intake, BleCounters counters, ZoneId deviceZone,
                Clock clock, GatewayClockSync clockSync, StoredRecordCursors cursors, DeviceEvents events,
                DeviceAliases aliases, List<String> allowList, boolean installerPage) {
        this.config = config;
        this.clock = clock;
        this.installerPage = installerPage;
        this.client = client;
        AllowList allow = new AllowList(allowList);
        this.noDevices = allow.isEmpty();
        this.adapter = new BluezAdapter("/org/bluez/" + config.getAdapter());
        this.links = new DeviceLinks(allow, config.getReconnectBackoffMin(), config.getReconnectBackoffMax(),
                config.getPairingBackoffMin(), config.getPairingBackoffMax(), aliases);
        this.bus = new BusSession(client, new Backoff(config.getReconnectBackoffMin(),
                config.getReconnectBackoffMax()), clock, counters, this::onLoop, this::forgetAll,
                PairingAgent.capability(allow.anyPasskey() || installerPage));
        this.candidates = new Candidates(allow, counters);
        DeviceSetup setup = new DeviceSetup(client, deviceZone, clock);
        StoredRecordTransfers transfers = new StoredRecordTransfers(setup, bus, counters);
        GlucoseCursor glucose = new GlucoseCursor(cursors);
        this.clockSetting = new DeviceClockSetting(config.isSetDeviceClock(), clockSync, setup, counters);
        ConnectionSetup connectionSetup = new ConnectionSetup(setup, candidates,
                clockSetting, glucose, transfers,
                counters);
        ValueDelivery delivery = new ValueDelivery(intake, transfers, glucose, counters, clock);
        this.reports = new DeviceReports(events, clock);
        LinkSteps steps = new LinkSteps(client, links, candidates, connectionSetup, transfers, delivery, reports, bus,
                counters, clock, config.getServicesResolvedTimeout(), aliases);
        EventDispatch dispatch = new EventDispatch(adapter, links, candidates, steps, transfers, delivery, reports,
                bus, counters, clock, aliases);
        this.supervision = new Supervision(bus, client, adapter, links, candidates,
                new Discovery(client, adapter, candidates, links, bus, counters, scanWindow, clock), steps, dispatch,
                clock, aliases);
        this.installerPairing = new InstallerPairing(client, links, reports, bus, counters);
    }

    @PostConstruct
    void start() {
        if (noDevices) {
            LOG.warn("BLE is enabled but vitalwire.gateway.ble.allow-list is empty: no device will be connected");
        }
        long every = Math.max(50, config.getSuperviseInterval().toMillis());
        onLoop(supervision::openBus);
        loop.scheduleWithFixedDelay(() -> runStep(supervision::pass), every, every, TimeUnit.MILLISECONDS);
    }

    /** The adapter and devices as last seen, for health and status. */
    @Override
    public BleState state() {
        return state;
    }

    /** The longest scan one request may ask for: discovery costs the radio and other devices' connections. */
    static final Duration MAX_SCAN = Duration.ofMinutes(2);

    @Override
    public void scan(Duration length) {
        Duration bounded = length.compareTo(MAX_SCAN) > 0 ? MAX_SCAN : length;
        onLoop(() -> scanWindow.openUntil(clock.instant().plus(bounded)));
    }

    @Override
    public List<NearbyDevice> nearby() {
        return nearby;
    }

    @Override
    public CompletableFuture<PairingOutcome> pair(String address, Integer passkey) {
        CompletableFuture<PairingOutcome> outcome = new CompletableFuture<>();
        try {
            onLoop(() -> outcome.complete(installerPairing.pair(address, passkey)));
        } catch (RejectedExecutionException e) {
            outcome.complete(PairingOutcome.FAILED);
        }
        return outcome;
    }

    /**
     * A new allow-list from the cloud (already checked by {@link BleAllowListCheck}), on the loop thread: every
     * known device is judged again. One whose entry it removes or changes is disconnected and its link replaced — no
     * longer served, or served under its new entry (a new passkey, serial or IRK); one it adds is connected by the
     * next supervision pass, found by discovery if BlueZ has not seen it yet. The pairing agent's capability (passkey
     * entry or not) is chosen when the bus is opened: a list that brings the first passkey takes effect for bonding
     * at the next bus session.
     */
    void reallow(java.util.List<String> entries) {
        AllowList next = new AllowList(entries);
        onLoop(() -> {
            links.allow(next);
            java.util.List<String> changed = new java.util.ArrayList<>();
            for (DeviceLink link : links.all()) {
                AllowList.Entry entry = next.entryFor(link.address).orElse(null);
                if (!java.util.Objects.equals(entry, link.entry)) {
                    changed.add(link.address);
                    if (link.entry != null) {
                        disconnectQuietly(link);
                    }
                    links.replace(link, entry);
                }
            }
            candidates.allow(next, changed);
            LOG.info("BLE allow-list from the cloud applied: {} entries, {} known devices judged again",
                    next.entries().size(), changed.size());
        });
    }

    /** The cloud's BLE settings; one it leaves out keeps the local value. */
    void applySettings(io.vitalwire.contract.GatewayConfig applied) {
        Boolean setClock = applied.ble() == null ? null : applied.ble().setDeviceClock();
        clockSetting.allow(setClock != null ? setClock : config.isSetDeviceClock());
    }

    private void disconnectQuietly(DeviceLink link) {
        try {
            client.disconnect(link.path);
        } catch (BluezException e) {
            LOG.debug("disconnecting {}: {}", link.alias, e.getMessage());
        }
    }

    /** Runs a step on the loop thread; throws RejectedExecutionException once closed. */
    private void onLoop(Runnable step) {
        loop.execute(() -> runStep(step));
    }

    /**
     * Every step ends by reporting the connections it ended and publishing what it changed, for {@link #state()}
     * readers on other threads.
     */
    private void runStep(Runnable step) {
        if (closed) {
            return;
        }
        step.run();
        reports.settle(links);
        state = new BleState(bus.isOpen(), adapter.present(), adapter.powered(), adapter.discovering(), links.size(),
                links.activeCount());
        if (installerPage) {
            nearby = List.copyOf(installerPairing.nearby());
        }
    }

    private void forgetAll() {
        links.clear();
        adapter.forget();
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
