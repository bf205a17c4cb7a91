package io.vitalwire.sims.bluez;

import io.vitalwire.sims.vitals.Vitals;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bluez.Device1;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.types.Variant;

/**
 * org.bluez.Device1 of one simulated health device, and the device behind it: its GATT objects (present only while
 * connected with services resolved, as BlueZ does for devices without a GATT cache), its measurement memory, and
 * the faults a test scripts on it.
 *
 * <p>Spot measurements (cuff, thermometer, scale, oximeter spot-check) are kept until delivered, and sent once the
 * client subscribes; streams (heart rate, continuous oximetry) are sent only while someone listens. Glucose records
 * stay in the meter and are sent live or on a Record Access Control Point request. The oximeter sends a spot-check
 * live when someone listens, else keeps it in its measurement storage until a client reads it through its Record
 * Access Control Point (Pulse Oximeter Service: "all records" only) and deletes it. The cuff, like many real ones,
 * sends its last measurement again on every new subscription.
 */
final class SimDevice extends SimObject implements Device1 {

    static final String IFACE = "org.bluez.Device1";

    final SimDeviceKind kind;
    private final List<SimObject> gatt = new ArrayList<>();
    private final Map<Integer, SimCharacteristic> characteristics = new HashMap<>();
    private final Deque<SimMeasurement> undelivered = new ArrayDeque<>();
    private final List<SimMeasurement> glucoseRecords = new ArrayList<>();
    /** The oximeter's measurement storage: spot-checks taken while nobody listened, until a RACP delete. */
    private final List<SimMeasurement> spotCheckStore = new ArrayList<>();
    /** Fault: the next Report Stored Records transfer drops the link after this many records; -1: none. */
    private int interruptTransferAfter = -1;
    private final Map<Integer, SimMeasurement> lastDelivered = new HashMap<>();
    private int nextIndex;
    /** Advertising (so discoverable) from this time on; Instant.MAX while out of range. */
    Instant advertisingFrom = Instant.MIN;
    /** When the device was last connected or seen advertising by a discovery; BlueZ's temporary timeout runs from it. */
    Instant lastSeen = Instant.MIN;
    private int unresolvedConnects;
    /** Counts links, so a resolution scheduled for a link that has since dropped does nothing. */
    private int epoch;
    private boolean requiresPairing;
    /** The passkey printed on the device: Pair() takes only this one, entered by the client's agent; null: none. */
    private Integer passkey;
    /** The serial in Device Information: the kind's unless a scenario set another. */
    private String serial;
    /** The user index of each measurement in turn (cuff and scale), cycling; null for single-user kinds. */
    private int[] users;
    /** The device clock minus true local time: the kind's drift until a client writes Current Time. */
    private Duration clockOffset;
    /** Battery Level in percent. */
    private int battery = 87;

    SimDevice(SimulatedBluez bluez, String adapterPath, SimDeviceKind kind) {
        super(bluez, adapterPath + "/dev_" + advertisedAddress(kind).replace(':', '_'));
        this.kind = kind;
        this.clockOffset = kind.clockDrift();
        this.serial = kind.serial();
        Integer user = kind.defaultUser();
        this.users = user == null ? null : new int[] {user};
        // A device with privacy is known by the private address it advertises until BlueZ bonds with it.
        define(IFACE, "Address", new Variant<>(advertisedAddress(kind)));
        define(IFACE, "AddressType", new Variant<>(kind.irk() == null ? "public" : "random"));
        define(IFACE, "Name", new Variant<>(kind.model()));
        define(IFACE, "Alias", new Variant<>(kind.model()));
        define(IFACE, "Adapter", new Variant<>(new DBusPath(adapterPath)));
        define(IFACE, "Paired", new Variant<>(false));
        define(IFACE, "Trusted", new Variant<>(false));
        define(IFACE, "Connected", new Variant<>(false));
        define(IFACE, "ServicesResolved", new Variant<>(false));
        define(IFACE, "UUIDs", new Variant<>(kind.advertisedServices().stream().map(SimulatedBluez::uuid128)
                .toArray(String[]::new), "as"));
        buildGatt();
    }

    /**
     * The address the device advertises under: its identity address, or with privacy a resolvable private address
     * made from its IRK (Core Vol 3 Part C 10.8.2.2: prand with its top bits 01, then ah(IRK, prand)). Computed here
     * independently of the gateway's resolver.
     */
    static String advertisedAddress(SimDeviceKind kind) {
        if (kind.irk() == null) {
            return kind.address();
        }
        byte[] prand = {0x70, (byte) 0x81, (byte) 0x94};
        byte[] block = new byte[16];
        System.arraycopy(prand, 0, block, 13, 3);
        try {
            javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(
                    java.util.HexFormat.of().parseHex(kind.irk()), "AES"));
            byte[] e = aes.doFinal(block);
            byte[] address = {prand[0], prand[1], prand[2], e[13], e[14], e[15]};
            return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(address);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void buildGatt() {
        int handle = 0x0010;
        for (Map.Entry<Integer, int[][]> service : kind.services().entrySet()) {
            String servicePath = path + String.format("/service%04x", handle);
            gatt.add(new SimService(bluez, servicePath, path, service.getKey()));
            handle++;
            for (int[] c : service.getValue()) {
                SimCharacteristic ch = new SimCharacteristic(bluez, servicePath + String.format("/char%04x", handle),
                        servicePath, this, c[0], c[1]);
                gatt.add(ch);
                characteristics.put(c[0], ch);
                handle += 2;
            }
        }
    }

    boolean connected() {
        return Boolean.TRUE.equals(value(IFACE, "Connected"));
    }

    boolean paired() {
        return Boolean.TRUE.equals(value(IFACE, "Paired"));
    }

    /** Connected, services resolved and every health characteristic notifying: the gateway is listening. */
    boolean listening() {
        if (!connected() || !Boolean.TRUE.equals(value(IFACE, "ServicesResolved"))) {
            return false;
        }
        for (SimCharacteristic c : characteristics.values()) {
            boolean health = c.uuid16 != 0x2A19 && c.uuid16 != 0x2A2B && c.uuid16 != 0x2A36
                    && (c.properties & (GattProperties.NOTIFY | GattProperties.INDICATE)) != 0;
            if (health && !c.notifying()) {
                return false;
            }
        }
        return true;
    }

    // ---- Device1 ----

    @Override
    public void Connect() {
        synchronized (bluez) {
            bluez.connectAttempted(kind);
            if (!bluez.adapterPowered()) {
                throw BluezErrors.error("NotReady", "Resource Not Ready");
            }
            if (connected()) {
                return;
            }
            change(IFACE, "Connected", new Variant<>(true));
            if (unresolvedConnects > 0) {
                unresolvedConnects--; // "ServicesResolved never comes" on this connection
                return;
            }
            int connectEpoch = epoch;
            bluez.later(Duration.ofMillis(100), () -> resolveServices(connectEpoch));
        }
    }

    private void resolveServices(int connectEpoch) {
        if (!connected() || connectEpoch != epoch || !bluez.isExported(this)) {
            return;
        }
        gatt.forEach(bluez::export);
        change(IFACE, "ServicesResolved", new Variant<>(true));
    }

    @Override
    public void Disconnect() {
        synchronized (bluez) {
            dropLink();
        }
    }

    @Override
    public void ConnectProfile(String uuid) {
        throw new org.freedesktop.dbus.errors.NotSupported("ConnectProfile is not simulated");
    }

    @Override
    public void DisconnectProfile(String uuid) {
        throw new org.freedesktop.dbus.errors.NotSupported("DisconnectProfile is not simulated");
    }

    /**
     * Bonds through the registered agent: with a passkey, the agent must be able to enter one (KeyboardOnly or
     * KeyboardDisplay) and answer RequestPasskey with it, else AuthenticationFailed (a wrong passkey) or
     * AuthenticationRejected; without, the agent confirms (just works). A device with privacy then hands over its
     * identity (IRK and identity address): BlueZ presents it under its identity address from now on.
     */
    @Override
    public void Pair() {
        Integer expected;
        synchronized (bluez) {
            bluez.pairAttempted(kind);
            if (paired()) {
                throw BluezErrors.error("AlreadyExists", "Already Exists");
            }
            expected = passkey;
        }
        // Ask the registered agent outside the lock: the agent lives in the client that called Pair.
        if (expected != null) {
            Long entered = bluez.agentPasskey(path);
            if (entered == null) {
                throw BluezErrors.error("AuthenticationRejected", "Authentication Rejected");
            }
            if (entered.longValue() != expected) {
                throw BluezErrors.error("AuthenticationFailed", "Authentication Failed");
            }
        } else if (!bluez.agentConfirms(path)) {
            throw BluezErrors.error("AuthenticationRejected", "Authentication Rejected");
        }
        synchronized (bluez) {
            change(IFACE, "Paired", new Variant<>(true));
            change(IFACE, "Trusted", new Variant<>(true));
            if (kind.irk() != null) {
                change(IFACE, "Address", new Variant<>(kind.address()));
                change(IFACE, "AddressType", new Variant<>("public"));
            }
        }
    }

    @Override
    public void CancelPairing() {
        // pairing completes at once here
    }

    // ---- link and GATT, under the bluez lock ----

    /** The link drops (out of range, device off, or Disconnect): GATT objects go, the device advertises again. */
    void dropLink() {
        if (!connected()) {
            return;
        }
        epoch++;
        for (SimCharacteristic c : characteristics.values()) {
            if (c.notifying()) {
                c.define(SimCharacteristic.IFACE, "Notifying", new Variant<>(false));
            }
        }
        if (Boolean.TRUE.equals(value(IFACE, "ServicesResolved"))) {
            change(IFACE, "ServicesResolved", new Variant<>(false));
        }
        change(IFACE, "Connected", new Variant<>(false));
        for (int i = gatt.size() - 1; i >= 0; i--) {
            bluez.unexport(gatt.get(i));
        }
        bluez.deviceDisconnected(this);
    }

    /** Forget the link without signals: the bus it was on is gone. */
    void resetAfterBusLoss() {
        epoch++;
        define(IFACE, "Connected", new Variant<>(false));
        define(IFACE, "ServicesResolved", new Variant<>(false));
        for (SimCharacteristic c : characteristics.values()) {
            c.define(SimCharacteristic.IFACE, "Notifying", new Variant<>(false));
        }
    }

    void neverResolveServices(int connects) {
        unresolvedConnects = connects;
    }

    void requirePairing() {
        requiresPairing = true;
    }

    void requirePasskey(int value) {
        requiresPairing = true;
        passkey = value;
    }

    void serial(String value) {
        serial = value;
    }

    void users(int... indexes) {
        users = indexes.clone();
    }

    /** The address BlueZ presents the device under now. */
    String address() {
        return String.valueOf(value(IFACE, "Address"));
    }

    void requireLinkSecurity(SimCharacteristic c) {
        boolean protectedValue = c.uuid16 != 0x2A29 && c.uuid16 != 0x2A24 && c.uuid16 != 0x2A25;
        if (requiresPairing && !paired() && protectedValue) {
            throw BluezErrors.error("NotPermitted", "Insufficient authentication");
        }
    }

    byte[] read(int uuid16) {
        return switch (uuid16) {
            case 0x2A29 -> kind.manufacturer().getBytes(StandardCharsets.UTF_8);
            case 0x2A24 -> kind.model().getBytes(StandardCharsets.UTF_8);
            // NUL padding as some devices send it: the gateway must not make it part of the serial.
            case 0x2A25 -> (serial + "\0\0").getBytes(StandardCharsets.UTF_8);
            case 0x2A19 -> new byte[] {(byte) battery};
            case 0x2A2B -> GattValues.currentTime(LocalDateTime.now(bluez.zone()).plus(clockOffset));
            default -> new byte[0];
        };
    }

    // ---- measurements ----

    /** The device measures once; what it sends now or later depends on the link. */
    void measure() {
        Integer user = users == null ? null : users[nextIndex % users.length];
        deliver(kind.measure(nextIndex, serial, user));
    }

    /**
     * The device measures the values a scenario chose, timestamped by its own clock (true local time plus its
     * offset) {@code ago} before now: a device whose stored measurement was taken earlier, or whose owner measured
     * days ago and synced only now.
     *
     * @param user the user index (cuff, scale), else the device's next one in turn
     */
    void measure(Vitals values, boolean continuous, Integer user, Duration ago) {
        Integer who = user != null ? user : users == null ? null : users[nextIndex % users.length];
        java.time.LocalDateTime t = java.time.LocalDateTime.now(bluez.zone()).plus(clockOffset).minus(ago)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        deliver(kind.measure(nextIndex, t, serial, who, values, continuous));
    }

    /** Scenario: the device's clock runs this far ahead of true local time (behind when negative). */
    void clockDrift(Duration drift) {
        clockOffset = drift;
    }

    /** The battery level changes; a client subscribed to Battery Level hears it. */
    void battery(int level) {
        battery = level;
        SimCharacteristic c = characteristics.get(0x2A19);
        if (connected() && c.notifying()) {
            c.send(new byte[] {(byte) level});
        }
    }

    private void deliver(List<SimMeasurement> measured) {
        for (SimMeasurement m : measured) {
            if (m.uuid16() == 0x2A18) {
                glucoseRecords.add(m);
                sendIfListening(m);
            } else if (m.uuid16() == 0x2A5E) {
                if (!sendIfListening(m)) {
                    spotCheckStore.add(m);
                }
            } else if (m.stored()) {
                undelivered.add(m);
                flush(m.uuid16());
            } else {
                sendIfListening(m);
            }
        }
        nextIndex++;
    }

    void subscribed(SimCharacteristic c) {
        if (c.uuid16 == 0x2A35 && lastDelivered.containsKey(0x2A35)) {
            send(lastDelivered.get(0x2A35)); // a re-send the gateway must recognise by key
        }
        flush(c.uuid16);
    }

    Duration clockOffset() {
        return clockOffset;
    }

    void written(SimCharacteristic c, byte[] value) {
        if (c.uuid16 == 0x2A2B) {
            setClock(value);
            return;
        }
        if (c.uuid16 != 0x2A52) {
            return;
        }
        bluez.racpRequested(kind, value);
        // The write is answered first; the records and the response indication follow, as on a real meter.
        bluez.later(Duration.ofMillis(50), () -> answerRacp(value));
    }

    /** Current Time written: Exact Time 256 + Adjust Reason; the clock takes it, as a real device's would. */
    private void setClock(byte[] value) {
        if (value.length < 10) {
            throw BluezErrors.error("InvalidValueLength", "Invalid Value Length");
        }
        LocalDateTime written = LocalDateTime.of((value[0] & 0xFF) | (value[1] & 0xFF) << 8, value[2] & 0xFF,
                value[3] & 0xFF, value[4] & 0xFF, value[5] & 0xFF, value[6] & 0xFF,
                (int) ((value[8] & 0xFF) * 1_000_000_000L / 256));
        clockOffset = Duration.between(LocalDateTime.now(bluez.zone()), written);
        bluez.currentTimeWritten(kind, value);
    }

    private void answerRacp(byte[] request) {
        SimCharacteristic racp = characteristics.get(0x2A52);
        if (!connected() || !racp.notifying()) {
            return;
        }
        if (kind.oximeter()) {
            answerPlxRacp(racp, request);
            return;
        }
        int op = request.length > 0 ? request[0] & 0xFF : 0;
        int from;
        if (op == 0x01 && request.length >= 2 && (request[1] & 0xFF) == 0x01) {
            from = 0; // all records
        } else if (op == 0x01 && request.length >= 5 && (request[1] & 0xFF) == 0x03 && request[2] == 0x01) {
            from = (request[3] & 0xFF) | (request[4] & 0xFF) << 8; // sequence number >= from
        } else {
            racp.send(new byte[] {0x06, 0x00, (byte) op, 0x02}); // op code not supported
            return;
        }
        int sent = 0;
        for (SimMeasurement record : glucoseRecords) {
            if (record.index() + 1 >= from && sendIfListening(record)) {
                sent++;
            }
        }
        racp.send(new byte[] {0x06, 0x00, 0x01, (byte) (sent > 0 ? 0x01 : 0x06)});
    }

    // ---- the oximeter's Record Access Control Point (Pulse Oximeter Service) ----

    static final int RACP_REPORT = 0x01;
    static final int RACP_DELETE = 0x02;
    static final int RACP_ABORT = 0x03;
    static final int RACP_REPORT_NUMBER = 0x04;
    static final int RACP_NUMBER_RESPONSE = 0x05;
    static final int RACP_RESPONSE_CODE = 0x06;
    static final int RACP_SUCCESS = 0x01;
    static final int RACP_OP_CODE_NOT_SUPPORTED = 0x02;
    static final int RACP_INVALID_OPERATOR = 0x03;
    static final int RACP_OPERATOR_NOT_SUPPORTED = 0x04;
    static final int RACP_INVALID_OPERAND = 0x05;
    static final int RACP_NO_RECORDS_FOUND = 0x06;

    /**
     * Report Stored Records, Delete Stored Records and Report Number of Stored Records with the "all records"
     * operator (0x01) and no operand; Abort Operation with the Null operator. Other operators (valid RACP ones the
     * Pulse Oximeter Service does not support, or invalid ones) and op codes are answered with the response code
     * for them.
     */
    private void answerPlxRacp(SimCharacteristic racp, byte[] request) {
        int op = request.length > 0 ? request[0] & 0xFF : 0;
        int operator = request.length > 1 ? request[1] & 0xFF : -1;
        if (op == RACP_ABORT) {
            // Transfers here run to completion at once, so nothing is in progress to stop.
            respond(racp, op, operator == 0x00 && request.length == 2 ? RACP_SUCCESS : RACP_INVALID_OPERATOR);
            return;
        }
        if (op != RACP_REPORT && op != RACP_DELETE && op != RACP_REPORT_NUMBER) {
            respond(racp, op, RACP_OP_CODE_NOT_SUPPORTED);
            return;
        }
        if (operator >= 0x02 && operator <= 0x06) {
            respond(racp, op, RACP_OPERATOR_NOT_SUPPORTED); // a RACP operator, not in the PLX service
            return;
        }
        if (operator != 0x01) {
            respond(racp, op, RACP_INVALID_OPERATOR);
            return;
        }
        if (request.length != 2) {
            respond(racp, op, RACP_INVALID_OPERAND); // "all records" takes no operand
            return;
        }
        switch (op) {
            case RACP_REPORT_NUMBER -> {
                byte[] number = new GattValues().uint8(RACP_NUMBER_RESPONSE).uint8(0x00)
                        .uint16(spotCheckStore.size()).bytes();
                racp.send(number);
                bluez.racpResponded(kind, number);
            }
            case RACP_DELETE -> {
                spotCheckStore.clear();
                respond(racp, op, RACP_SUCCESS);
            }
            default -> reportStoredSpotChecks(racp);
        }
    }

    private void reportStoredSpotChecks(SimCharacteristic racp) {
        if (spotCheckStore.isEmpty()) {
            respond(racp, RACP_REPORT, RACP_NO_RECORDS_FOUND);
            return;
        }
        SimCharacteristic spot = characteristics.get(0x2A5E);
        int sent = 0;
        for (SimMeasurement record : List.copyOf(spotCheckStore)) {
            if (interruptTransferAfter >= 0 && sent == interruptTransferAfter) {
                interruptTransferAfter = -1;
                dropLink(); // out of range mid-transfer: no response, nothing deleted
                return;
            }
            if (!connected() || !spot.notifying()) {
                return;
            }
            SimMeasurement fromStorage = record.withValue(fromStorage(record.value()));
            send(fromStorage);
            sent++;
        }
        respond(racp, RACP_REPORT, RACP_SUCCESS);
    }

    /**
     * The stored form of a live PLX Spot-Check value: the Measurement Status field added (flags bit 1) with bit 9,
     * "data from measurement storage". It follows the timestamp, so it is appended to a value without the later
     * optional fields.
     */
    static byte[] fromStorage(byte[] live) {
        int flags = live[0] & 0xFF;
        if ((flags & 0x0E) != 0) {
            throw new IllegalArgumentException("spot-check with status fields already: " + flags);
        }
        byte[] stored = java.util.Arrays.copyOf(live, live.length + 2);
        stored[0] = (byte) (flags | 0x02);
        stored[live.length] = 0x00;
        stored[live.length + 1] = 0x02; // 0x0200 little-endian
        return stored;
    }

    /** Response Code: op code 0x06, Null operator, then the request op code and the response code value. */
    private void respond(SimCharacteristic racp, int requestOp, int code) {
        byte[] response = {RACP_RESPONSE_CODE, 0x00, (byte) requestOp, (byte) code};
        racp.send(response);
        bluez.racpResponded(kind, response);
    }

    List<SimMeasurement> storedSpotChecks() {
        return List.copyOf(spotCheckStore);
    }

    void interruptNextTransferAfter(int records) {
        interruptTransferAfter = records;
    }

    private void flush(int uuid16) {
        SimCharacteristic c = characteristics.get(uuid16);
        if (c == null || !connected() || !c.notifying()) {
            return;
        }
        for (var it = undelivered.iterator(); it.hasNext(); ) {
            SimMeasurement m = it.next();
            if (m.uuid16() == uuid16) {
                send(m);
                lastDelivered.put(uuid16, m);
                it.remove();
            }
        }
    }

    boolean sendRaw(int uuid16, byte[] value) {
        SimCharacteristic c = characteristics.get(uuid16);
        if (c == null || !connected() || !c.notifying()) {
            return false;
        }
        c.send(value);
        return true;
    }

    private boolean sendIfListening(SimMeasurement m) {
        SimCharacteristic c = characteristics.get(m.uuid16());
        if (c == null || !connected() || !c.notifying()) {
            return false;
        }
        send(m);
        return true;
    }

    private void send(SimMeasurement m) {
        characteristics.get(m.uuid16()).send(m.value());
        bluez.sent(m);
    }

    List<SimObject> gattObjects() {
        return gatt;
    }
}
