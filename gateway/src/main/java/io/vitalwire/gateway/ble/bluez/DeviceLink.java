package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway's link to one BlueZ device object: what BlueZ last said about it, where the connection is (a
 * {@link LinkState}, changed only by the guarded transitions below) and what the gateway learnt on the current
 * connection. Dies with the object path: a device that BlueZ removes and re-adds gets a new link, so no stale handle
 * survives.
 *
 * <p>A transition checks the state it starts from and returns whether it happened; a refused one changes nothing, so
 * a late event (a disconnect after a timeout already gave up, a failure of a link just denied) cannot drag a link
 * somewhere it should not go. Loop thread only.
 */
final class DeviceLink {

    /** Values that arrived before the device's identity was known; a bound keeps a chatty device from flooding. */
    private static final int MAX_PENDING = 256;

    private static final Set<LinkState> RETRYABLE = EnumSet.of(LinkState.IDLE, LinkState.CONNECTING,
            LinkState.RESOLVING, LinkState.ACTIVE, LinkState.WAITING);
    private static final Set<LinkState> PAIRABLE = EnumSet.of(LinkState.CONNECTING, LinkState.RESOLVING,
            LinkState.ACTIVE);

    final String path;
    /**
     * The device's identity address, upper case: its allow-list entry's (also while BlueZ still presents it under a
     * resolvable private address the entry's IRK resolves), else the address BlueZ reports. Everything the gateway
     * keys by address (reading identity, candidates, aliases) uses this.
     */
    final String address;
    /** Its allow-list entry, or null: not one of this gateway's devices, never to be connected. */
    final AllowList.Entry entry;
    /** How logs name the device: its address (also in {@link #path}) is an identifier that stays out of them. */
    final String alias;
    /** What the device calls itself, or null: for the installer's page only, never for a log. */
    final String name;
    final Set<Integer> serviceUuids16;
    /** characteristic path → 16-bit UUID, as BlueZ reported them; order kept so context comes before measurement. */
    final Map<String, Integer> characteristics = new LinkedHashMap<>();
    /** The characteristic paths whose Flags offer notify or indicate. */
    final Set<String> notifiable = new HashSet<>();
    private final Backoff backoff;
    /**
     * Between failed bondings (a wrong passkey does not fix itself, and some devices lock a pairing out after
     * repeated failures): grows with each failure in a row, reset by a bonding that succeeds.
     */
    private final Backoff pairingBackoff;
    private final Deque<PendingValue> pending = new ArrayDeque<>();

    // BlueZ's view of the device, as last reported.
    private boolean connected;
    private boolean servicesResolved;
    private boolean paired;

    private LinkState state = LinkState.IDLE;
    private Instant deadline = Instant.MAX;
    private Instant retryAt = Instant.MIN;

    // Learnt on the current connection; cleared when it ends.
    private ConnectedDevice device;
    private SpotCheckTransfer transfer;
    /**
     * The buffer refused a glucose record on this connection: the record cursor stays where it is until the next
     * connection, so the refused record is asked for again instead of being skipped by a later one's number.
     */
    private boolean glucoseCursorHeld;

    // What the installer's page shows of a device (never its values); kept across connections.
    private Integer batteryPercent;
    private Instant lastValueAt;

    /** A value received before the link was ready, kept with its original receive time. */
    record PendingValue(HealthCharacteristic characteristic, byte[] value, Instant receivedAt) {
    }

    /** @param entry its allow-list entry, or null */
    DeviceLink(BluezObject.Device device, AllowList.Entry entry, String alias, Backoff backoff,
               Backoff pairingBackoff) {
        this.path = device.path();
        this.entry = entry;
        this.address = entry != null ? entry.address() : device.address().toUpperCase(java.util.Locale.ROOT);
        this.alias = alias;
        this.name = device.name();
        this.pairingBackoff = pairingBackoff;
        this.serviceUuids16 = Set.copyOf(device.serviceUuids16());
        this.connected = device.connected();
        this.servicesResolved = device.servicesResolved();
        this.paired = device.paired();
        this.backoff = backoff;
    }

    /** The battery level last reported by the device (percent), or null. */
    Integer batteryPercent() {
        return batteryPercent;
    }

    void batteryPercent(Integer percent) {
        this.batteryPercent = percent;
    }

    /** When the intake last took a value of this device durably, or null: none since the gateway started. */
    Instant lastValueAt() {
        return lastValueAt;
    }

    void valueStored(Instant at) {
        this.lastValueAt = at;
    }

    /** What the installer's page shows, carried over to the link that replaces this one. */
    void carryOver(DeviceLink from) {
        this.batteryPercent = from.batteryPercent;
        this.lastValueAt = from.lastValueAt;
    }

    // ---- transitions ----

    /** IDLE or WAITING → CONNECTING: a connect attempt starts. */
    boolean startConnecting() {
        return move(EnumSet.of(LinkState.IDLE, LinkState.WAITING), LinkState.CONNECTING);
    }

    /** CONNECTING → RESOLVING: Device1.Connect returned; the services must resolve before {@code deadline}. */
    boolean awaitServices(Instant deadline) {
        if (!move(EnumSet.of(LinkState.CONNECTING), LinkState.RESOLVING)) {
            return false;
        }
        this.deadline = deadline;
        return true;
    }

    /**
     * CONNECTING, RESOLVING or ACTIVE → RESOLVING: the device asked for a bonded link and is now paired; it is set up
     * again once its services are resolved, before {@code deadline}.
     */
    boolean awaitServicesAfterPairing(Instant deadline) {
        if (!move(PAIRABLE, LinkState.RESOLVING)) {
            return false;
        }
        this.deadline = deadline;
        return true;
    }

    /**
     * RESOLVING → ACTIVE: set up; values flow. The backoff starts afresh, so the first retry after a normal
     * disconnect comes quickly.
     *
     * @param transfer the stored spot-check transfer just requested, or null
     */
    boolean activate(ConnectedDevice learnt, SpotCheckTransfer transfer) {
        if (!move(EnumSet.of(LinkState.RESOLVING), LinkState.ACTIVE)) {
            return false;
        }
        this.deadline = Instant.MAX;
        this.device = learnt;
        this.transfer = transfer;
        this.glucoseCursorHeld = false;
        backoff.reset();
        return true;
    }

    /** RESOLVING → DENIED: set up far enough to learn the device is not one of ours. */
    boolean deny() {
        if (!move(EnumSet.of(LinkState.RESOLVING), LinkState.DENIED)) {
            return false;
        }
        this.deadline = Instant.MAX;
        return true;
    }

    /**
     * IDLE, CONNECTING, RESOLVING, ACTIVE or WAITING → WAITING: the connection ended or an attempt failed; the next
     * attempt waits for the backoff, which grows with each failure in a row, and the connection's data is forgotten.
     * From WAITING it re-arms the wait (the adapter went off meanwhile).
     */
    boolean retryLater(Instant now) {
        return waitFrom(RETRYABLE, now, backoff);
    }

    /**
     * CONNECTING, RESOLVING or ACTIVE → WAITING: bonding failed (a wrong passkey, the device refused); the next
     * attempt waits for the pairing backoff, not the connection's, so a failing bonding is never retried in a tight
     * loop.
     */
    boolean pairingFailed(Instant now) {
        return waitFrom(PAIRABLE, now, pairingBackoff);
    }

    /** Bonding succeeded: the next failure starts the pairing backoff afresh. Not a change of state. */
    void bonded() {
        paired = true;
        pairingBackoff.reset();
    }

    /** Like {@link #retryLater}, for an adapter that went off: BlueZ will not report the disconnection itself. */
    boolean poweredOff(Instant now) {
        if (!retryLater(now)) {
            return false;
        }
        connected = false;
        servicesResolved = false;
        return true;
    }

    /**
     * IDLE or WAITING stay as they are but are due at once, with the backoff from the start (the adapter came back
     * on: the devices did not fail). Not a change of state.
     */
    boolean retryNow(Instant now) {
        if (state != LinkState.IDLE && state != LinkState.WAITING) {
            return false;
        }
        backoff.reset();
        retryAt = now;
        return true;
    }

    /** Any state but GONE → GONE: its object path no longer exists. */
    boolean gone() {
        if (state == LinkState.GONE) {
            return false;
        }
        state = LinkState.GONE;
        deadline = Instant.MAX;
        return true;
    }

    /** From one of {@code from} → WAITING until {@code wait}'s next delay has passed; the connection's data goes. */
    private boolean waitFrom(Set<LinkState> from, Instant now, Backoff wait) {
        if (!move(from, LinkState.WAITING)) {
            return false;
        }
        deadline = Instant.MAX;
        retryAt = now.plus(wait.next());
        endConnection();
        return true;
    }

    private boolean move(Set<LinkState> from, LinkState to) {
        if (!from.contains(state)) {
            return false;
        }
        state = to;
        return true;
    }

    private void endConnection() {
        device = null;
        transfer = null;
        glucoseCursorHeld = false;
    }

    // ---- where the link is ----

    LinkState state() {
        return state;
    }

    boolean isActive() {
        return state == LinkState.ACTIVE;
    }

    /** Connecting, resolving or active: a disconnection now ends something. */
    boolean isUp() {
        return state == LinkState.CONNECTING || state == LinkState.RESOLVING || state == LinkState.ACTIVE;
    }

    /** Waiting (or never tried) and its retry time has come. */
    boolean isDue(Instant now) {
        return (state == LinkState.IDLE || state == LinkState.WAITING) && !now.isBefore(retryAt);
    }

    /** Resolving past its deadline: services came late or never. */
    boolean isResolveOverdue(Instant now) {
        return state == LinkState.RESOLVING && now.isAfter(deadline);
    }

    /** Resolving, connected and BlueZ says the services are resolved: time to set up. */
    boolean isReadyForSetup() {
        return state == LinkState.RESOLVING && connected && servicesResolved;
    }

    // ---- BlueZ's view ----

    /** What BlueZ reported (or a call just established); null leaves a property as it was. */
    void observe(Boolean connected, Boolean servicesResolved, Boolean paired) {
        if (connected != null) {
            this.connected = connected;
        }
        if (servicesResolved != null) {
            this.servicesResolved = servicesResolved;
        }
        if (paired != null) {
            this.paired = paired;
        }
    }

    boolean connected() {
        return connected;
    }

    boolean servicesResolved() {
        return servicesResolved;
    }

    boolean paired() {
        return paired;
    }

    // ---- the current connection ----

    /** What the set-up learnt, or null unless the link is (or was just) active. */
    ConnectedDevice device() {
        return device;
    }

    /** The stored spot-check transfer under way on this connection, or null. */
    SpotCheckTransfer transfer() {
        return transfer;
    }

    void endTransfer() {
        transfer = null;
    }

    boolean glucoseCursorHeld() {
        return glucoseCursorHeld;
    }

    void holdGlucoseCursor() {
        glucoseCursorHeld = true;
    }

    /** Remembers a value for later; false if the bound is reached and the value had to be dropped. */
    boolean hold(PendingValue value) {
        if (pending.size() >= MAX_PENDING) {
            return false;
        }
        pending.add(value);
        return true;
    }

    /** The oldest value kept before the link was ready, or null. */
    PendingValue nextPending() {
        return pending.poll();
    }

    // ---- characteristics ----

    /** The path of the first characteristic with this UUID, or null. */
    String pathOf(int uuid16) {
        for (Map.Entry<String, Integer> e : characteristics.entrySet()) {
            if (e.getValue() == uuid16) {
                return e.getKey();
            }
        }
        return null;
    }

    /** The path of the first characteristic with this UUID that can notify, or null. */
    String notifyingPathOf(int uuid16) {
        String path = pathOf(uuid16);
        return path != null && notifiable.contains(path) ? path : null;
    }

    List<String> healthCharacteristicPaths() {
        List<String> paths = new ArrayList<>();
        characteristics.forEach((p, uuid) -> {
            if (HealthCharacteristic.of(uuid).isPresent()) {
                paths.add(p);
            }
        });
        return paths;
    }
}
