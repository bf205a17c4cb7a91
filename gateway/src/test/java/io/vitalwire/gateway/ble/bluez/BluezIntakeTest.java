package io.vitalwire.gateway.ble.bluez;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.ClockSync;
import io.vitalwire.gateway.buffer.BufferSettings;
import io.vitalwire.gateway.buffer.Gap;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.buffer.RecordCursors;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.identity.GatewayAliases;
import io.vitalwire.gateway.intake.BufferRecordCursors;
import io.vitalwire.gateway.intake.ReadingIntake;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.privacy.DeviceAliases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection state machine against a scripted BlueZ (the real D-Bus path is covered by device-sims'
 * BluezGatewayIT): services resolving late or never, stale objects, bus loss, values before the link is ready. The
 * buffer behind it is a real SQLite file.
 */
class BluezIntakeTest {

    private static final String ADAPTER = "/org/bluez/hci0";
    private static final String DEVICE = ADAPTER + "/dev_C0_1D_00_00_00_01";
    private static final String SERIAL = DEVICE + "/service0010/char0011";
    private static final String HEART_RATE = DEVICE + "/service0020/char0021";
    private static final String CURRENT_TIME = DEVICE + "/service0030/char0031";
    private static final String GLUCOSE = DEVICE + "/service0040/char0041";
    private static final String RACP = DEVICE + "/service0040/char0043";
    private static final String SPOT_CHECK = DEVICE + "/service0050/char0051";
    private static final String BATTERY = DEVICE + "/service0060/char0061";

    @TempDir
    Path dir;
    private ReadingBuffer buffer;
    private ScriptedBluez bluez;
    private BluezIntake intake;
    private SimpleMeterRegistry meters;
    private RecordCursors cursors;
    private boolean setDeviceClock;
    private ClockSync gatewayClock = ClockSync.UNKNOWN;
    private volatile boolean bufferRefuses;
    private List<String> allowList = List.of("C0:1D:00:00:00:01");
    private final List<DeviceEvent> deviceEvents = new CopyOnWriteArrayList<>();
    /** The intake's stream commit interval; zero (each sample at once) unless a test says otherwise. */
    private Duration streamCommitInterval = Duration.ZERO;
    private ReadingIntake readingIntake;

    @BeforeEach
    void setUp() {
        buffer = new ReadingBuffer(dir.resolve("buffer.db"), "FULL", Clock.systemUTC()) {
            @Override
            public io.vitalwire.gateway.buffer.AppendResult append(io.vitalwire.gateway.buffer.Lane lane,
                                                                  List<io.vitalwire.contract.Reading> readings) {
                if (bufferRefuses) {
                    throw new io.vitalwire.gateway.buffer.BufferException("append failed",
                            new java.sql.SQLException("disk full (scripted)"));
                }
                return super.append(lane, readings);
            }
        };
        bluez = new ScriptedBluez();
        cursors = new RecordCursors(buffer, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        if (intake != null) {
            intake.close();
        }
        if (readingIntake != null) {
            readingIntake.close();
        }
        cursors.close();
        buffer.close();
    }

    private void start() {
        meters = new SimpleMeterRegistry();
        BleCounters counters = new BleCounters(meters);
        DeviceAliases aliases = GatewayAliases.load(dir);
        readingIntake = new ReadingIntake(new Normalizer("gw-1", ZoneOffset.UTC), buffer, meters, aliases,
                deviceEvents::add, streamCommitInterval);
        GattIntake gatt = new GattIntake(readingIntake, counters, aliases);
        intake = new BluezIntake(new TestConfig(allowList, setDeviceClock), bluez, gatt,
                counters, ZoneOffset.UTC, Clock.systemUTC(), () -> gatewayClock, new BufferRecordCursors(cursors),
                deviceEvents::add, aliases);
        intake.start();
    }

    /** As {@link #start()}, with the installer's pairing page on. */
    private void startWithInstallerPage() {
        meters = new SimpleMeterRegistry();
        BleCounters counters = new BleCounters(meters);
        DeviceAliases aliases = GatewayAliases.load(dir);
        readingIntake = new ReadingIntake(new Normalizer("gw-1", ZoneOffset.UTC), buffer, meters, aliases,
                deviceEvents::add, streamCommitInterval);
        GattIntake gatt = new GattIntake(readingIntake, counters, aliases);
        intake = new BluezIntake(new TestConfig(allowList, setDeviceClock), bluez, gatt,
                counters, ZoneOffset.UTC, Clock.systemUTC(), () -> gatewayClock, new BufferRecordCursors(cursors),
                deviceEvents::add, aliases, allowList, true);
        intake.start();
    }

    @Test
    void theInstallersPage_scans_listsTheHealthDevice_andPairsItWithThePasskeyTyped_withoutServingIt()
            throws Exception {
        allowList = List.of();
        startWithInstallerPage();
        // Without any passkey entry the agent still enters passkeys: the installer types them.
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("registerAgent KeyboardOnly"));
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.nearby().size() == 1);
        assertThat(intake.nearby().get(0)).isEqualTo(new NearbyDevice("C0:1D:00:00:00:01", null, "heart-rate",
                false, false, false, null, null));
        assertThat(bluez.calls).doesNotContain("startDiscovery"); // nothing allow-listed is missing
        intake.scan(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("startDiscovery"));

        assertThat(intake.pair("C0:1D:00:00:00:09", 123456).get(5, TimeUnit.SECONDS))
                .isEqualTo(PairingOutcome.NOT_FOUND);
        bluez.pairFails = true;
        assertThat(intake.pair("c0:1d:00:00:00:01", 654321).get(5, TimeUnit.SECONDS))
                .isEqualTo(PairingOutcome.REJECTED);
        bluez.pairFails = false;
        assertThat(intake.pair("c0:1d:00:00:00:01", 123456).get(5, TimeUnit.SECONDS))
                .isEqualTo(PairingOutcome.PAIRED);

        assertThat(bluez.pairings).containsExactly(new Bonding.Passkey(654321), new Bonding.Passkey(123456));
        // Bonded, then let go: no allow-list entry names it, so it is not served.
        assertThat(bluez.calls).containsSubsequence("pair " + DEVICE, "disconnect " + DEVICE)
                .doesNotContain("connect " + DEVICE);
        assertThat(deviceEvents).filteredOn(e -> e.type().equals("device-paired")).singleElement()
                .satisfies(e -> assertThat(e.attributes()).containsExactly(
                        java.util.Map.entry("device", "bd.C0~3A1D~3A00~3A00~3A00~3A01")));
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.nearby().get(0).paired());
        assertThat(intake.nearby().get(0).assigned()).isFalse();
        assertThat(intake.pair("C0:1D:00:00:00:01", null).get(5, TimeUnit.SECONDS))
                .isEqualTo(PairingOutcome.ALREADY_PAIRED);
        assertThat(meters.counter("vitalwire.ble.events", "type", "paired").count()).isEqualTo(1.0);
    }

    @Test
    void servicesNeverResolved_disconnectsAndRetriesUntilTheyDo() {
        bluez.unresolvedConnects = 1;
        start();

        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("startNotify " + HEART_RATE));
        assertThat(bluez.calls).containsSubsequence("connect " + DEVICE, "disconnect " + DEVICE,
                "connect " + DEVICE, "startNotify " + HEART_RATE);
        // The state is published when the loop's step ends, a moment after its last BlueZ call.
        await().atMost(Duration.ofSeconds(2)).until(() -> intake.state().devicesActive() == 1);
    }

    @Test
    void valueBeforeTheLinkIsReady_isKeptAndBufferedOnceItIs() {
        bluez.valueOnConnect = new byte[] {0x00, 72}; // heart rate 72, sent before ServicesResolved
        start();

        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 1);
    }

    @Test
    void anImplausibleValue_isRefused_counted_reported_andNeverBuffered() {
        bluez.valueOnConnect = new byte[] {0x00, 5}; // heart rate 5/min: a faulty strap, no living patient
        start();

        await().atMost(Duration.ofSeconds(5)).until(() -> meters.counter("vitalwire.intake.rejected", "source", "ble",
                "reason", "implausible", "characteristic", "2A37").count() == 1.0);
        assertThat(buffer.stats().unsent()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.stream()
                .anyMatch(e -> e.type().equals("reading-refused")));
        assertThat(deviceEvents).filteredOn(e -> e.type().equals("reading-refused")).singleElement()
                .satisfies(e -> assertThat(e.attributes()).containsEntry("reason", "implausible-value")
                        .containsEntry("type", "heart-rate"));
    }

    @Test
    void removedDevice_isForgottenUntilBluezReportsItAgain() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);

        bluez.emit(new BluezEvent.DeviceChanged(DEVICE, false, false, null));
        bluez.emit(new BluezEvent.ObjectRemoved(DEVICE));
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesKnown() == 0);
        int connects = bluez.count("connect " + DEVICE);

        bluez.emit(new BluezEvent.ObjectAdded(bluez.device(false)));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.count("connect " + DEVICE) > connects
                && intake.state().devicesActive() == 1);
    }

    /** A configuration from the cloud changes the allow-list while the gateway runs (contract 1.2). */
    @Test
    void aDeviceTheNewAllowListRemoves_isDisconnectedAndNoLongerServed_andOneItAddsIsConnected() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);
        int connects = bluez.count("connect " + DEVICE);

        intake.reallow(List.of("C0:1D:00:00:00:09"));

        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("disconnect " + DEVICE)
                && intake.state().devicesActive() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.stream()
                .anyMatch(DeviceEvent.Disconnected.class::isInstance));
        // Supervision passes go by (every 50 ms here): the device, still near, is never connected again.
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(bluez.count("connect " + DEVICE)).isEqualTo(connects);
        assertThat(intake.state().devicesKnown()).isEqualTo(1);

        // Listed again (now with a serial to check): the same device object is judged afresh and connected.
        intake.reallow(List.of("c0:1d:00:00:00:01 serial=HRS-0001"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.count("connect " + DEVICE) > connects
                && intake.state().devicesActive() == 1);
    }

    @Test
    void busLost_reconnectsAndRebuildsFromASnapshot() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);

        bluez.emit(new BluezEvent.BusLost("test"));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.count("open") == 2
                && intake.state().devicesActive() == 1);
        assertThat(bluez.calls).containsSubsequence("close", "open", "connect " + DEVICE);
    }

    @Test
    void busUnreachable_isRetriedWithBackoff() {
        bluez.failedOpens = 2;
        start();

        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);
        assertThat(bluez.count("open")).isEqualTo(3);
    }

    // ---- device events: connections and battery levels ----

    @Test
    void aDeviceSetUp_isReportedConnected_withTheBatteryLevelReadThen_andItsBatteryNotifies() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 2);

        assertThat(deviceEvents.get(0)).isInstanceOfSatisfying(DeviceEvent.Connected.class,
                e -> assertThat(e.device()).isEqualTo("sn.HRS-0001"));
        assertThat(deviceEvents.get(1)).isEqualTo(new DeviceEvent.Battery("sn.HRS-0001", 87, deviceEvents.get(1).at()));
        assertThat(bluez.calls).containsSubsequence("read " + BATTERY, "startNotify " + HEART_RATE,
                "startNotify " + BATTERY);
        assertThat(deviceEvents.get(1).attributes()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("device", "sn.HRS-0001", "level", "87"));
    }

    @Test
    void batteryNotifications_reportEachNewLevelOnce_andNotWhatIsNoLevel() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 2);

        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[] {87})); // BlueZ echoing the read: no change
        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[] {18}));
        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[] {18}));
        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[] {(byte) 200})); // reserved: not a level
        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[0]));
        bluez.emit(new BluezEvent.ValueChanged(BATTERY, new byte[] {9}));
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 4);

        assertThat(deviceEvents).filteredOn(DeviceEvent.Battery.class::isInstance)
                .extracting(e -> ((DeviceEvent.Battery) e).percent()).containsExactly(87, 18, 9);
    }

    @Test
    void aConnectionEndingAnyWay_isReportedDisconnectedOnce_andTheNextConnectedAgain() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 2);

        bluez.emit(new BluezEvent.DeviceChanged(DEVICE, false, false, null)); // the device disconnects
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 5);
        assertThat(deviceEvents).extracting(DeviceEvent::type).containsExactly("device-connected",
                "device-battery", "device-disconnected", "device-connected", "device-battery");

        bluez.emit(new BluezEvent.ObjectRemoved(DEVICE)); // BlueZ forgets it while connected
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 6);
        bluez.emit(new BluezEvent.ObjectAdded(bluez.device(false)));
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() == 8);

        bluez.emit(new BluezEvent.BusLost("test")); // every link is void
        await().atMost(Duration.ofSeconds(5)).until(() -> deviceEvents.size() >= 9);
        assertThat(deviceEvents.get(8)).isInstanceOf(DeviceEvent.Disconnected.class);
        assertThat(deviceEvents).allSatisfy(e -> assertThat(e.device()).isEqualTo("sn.HRS-0001"));
    }

    @Test
    void aDeviceRefusingBatteryNotifications_isStillSetUp_andCounted() {
        bluez.refusesBatteryNotify = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);

        assertThat(events("battery-notify-refused")).isEqualTo(1);
        assertThat(deviceEvents).extracting(DeviceEvent::type).containsExactly("device-connected", "device-battery");
    }

    // ---- stored records ----

    @Test
    void storedRecords_afterRestart_asksOnlyForRecordsAfterThePersistedCursor() {
        bluez.glucose = true;
        cursors.advance("sn.HRS-0001", "2A18", 41);
        cursors.close();
        cursors = new RecordCursors(buffer, Clock.systemUTC()); // as after a gateway restart: only the file remains
        start();

        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);
        assertThat(bluez.racpWrites.get(0)).containsExactly(0x01, 0x03, 0x01, 42, 0x00);
    }

    @Test
    void storedRecords_committedRecordAdvancesTheCursor_noCursorAsksForAll() {
        bluez.glucose = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);
        assertThat(bluez.racpWrites.get(0)).containsExactly(0x01, 0x01);

        // Glucose Measurement: flags 0x02 (concentration, type and location), sequence 7, base time, SFLOAT 95e-5
        // kg/L, capillary whole blood from a finger.
        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, new byte[] {0x02, 0x07, 0x00, (byte) 0xEA, 0x07, 0x03, 0x01,
            0x08, 0x00, 0x00, 0x5F, (byte) 0xB0, 0x11}));
        await().atMost(Duration.ofSeconds(5)).until(() -> cursors.last("sn.HRS-0001", "2A18").isPresent());
        assertThat(cursors.last("sn.HRS-0001", "2A18")).hasValue(7);
        assertThat(buffer.stats().unsent()).isEqualTo(1);
    }

    /** Glucose Measurement, flags 0x02, the given sequence number, 95e-5 kg/L, capillary whole blood, finger. */
    private static byte[] glucoseRecord(int sequence) {
        return new byte[] {0x02, (byte) sequence, 0x00, (byte) 0xEA, 0x07, 0x03, 0x01, 0x08, 0x00, 0x00, 0x5F,
            (byte) 0xB0, 0x11};
    }

    @Test
    void storedRecords_goToTheRoutineLane_liveValuesToTheCriticalOne() {
        bluez.glucose = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, glucoseRecord(7)));
        bluez.emit(new BluezEvent.ValueChanged(HEART_RATE, new byte[] {0x00, 72}));
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 2);
        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, 1L).containsEntry(Lane.CRITICAL, 1L);
    }

    @Test
    void aGlucoseRecordTheBufferRefused_holdsTheCursor_soItIsAskedForAgain() {
        bluez.glucose = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        bufferRefuses = true;
        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, glucoseRecord(7)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rejected("buffer-unavailable", "2A18") == 1);
        bufferRefuses = false;
        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, glucoseRecord(8)));
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 1);

        assertThat(cursors.last("sn.HRS-0001", "2A18")).as("not past the refused record 7").isEmpty();
    }

    @Test
    void atCapacity_aLiveValueIsCountedLost_aStoredRecordStaysOnTheDevice() {
        cursors.close();
        buffer.close();
        // Smaller than an empty buffer file: everything below lifecycle is refused.
        buffer = new ReadingBuffer(BufferSettings.defaults(dir.resolve("full.db")).withMaxSizeBytes(16 * 1024),
                Clock.systemUTC(), new SimpleMeterRegistry());
        cursors = new RecordCursors(buffer, Clock.systemUTC());
        bluez.glucose = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        bluez.emit(new BluezEvent.ValueChanged(HEART_RATE, new byte[] {0x00, 72}));
        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, glucoseRecord(7)));
        await().atMost(Duration.ofSeconds(5)).until(() -> rejected("kept-on-device-at-capacity", "2A18") == 1);
        assertThat(rejected("lost-at-capacity", "2A37")).isEqualTo(1);
        assertThat(cursors.last("sn.HRS-0001", "2A18")).isEmpty();
        assertThat(buffer.unreportedGaps()).extracting(Gap::lane).containsExactly(Lane.CRITICAL, Lane.ROUTINE);
    }

    @Test
    void heartRateSamples_areCommittedTogether_aStoredRecordAtOnce() {
        streamCommitInterval = Duration.ofHours(1);
        bluez.glucose = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        for (int bpm = 70; bpm < 73; bpm++) {
            bluez.emit(new BluezEvent.ValueChanged(HEART_RATE, new byte[] {0x00, (byte) bpm}));
        }
        bluez.emit(new BluezEvent.ValueChanged(GLUCOSE, glucoseRecord(7)));
        await().atMost(Duration.ofSeconds(5)).until(() -> readingIntake.streamSamplesWaiting() == 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 1);
        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, 1L).containsEntry(Lane.CRITICAL, 0L);

        readingIntake.close();
        assertThat(buffer.stats().unsentByLane()).containsEntry(Lane.ROUTINE, 1L).containsEntry(Lane.CRITICAL, 3L);
    }

    private double rejected(String reason, String characteristic) {
        var c = meters.find("vitalwire.intake.rejected").tag("reason", reason).tag("characteristic", characteristic)
                .counter();
        return c == null ? 0 : c.count();
    }

    // ---- stored pulse oximeter spot-checks (PLX RACP: "all records" only) ----

    /** A stored PLX Spot-Check: flags 0x03 (timestamp, measurement status), SpO2, pulse rate, time, status bit 9. */
    private static byte[] storedSpotCheck(int spo2, int pulse, int minute) {
        return new byte[] {0x03, (byte) spo2, 0x00, (byte) pulse, 0x00, (byte) 0xEA, 0x07, 0x03, 0x01, 0x08,
            (byte) minute, 0x00, 0x00, 0x02};
    }

    private static final byte[] REPORT_SUCCESS = {0x06, 0x00, 0x01, 0x01};

    private double stored(String outcome) {
        var c = meters.find("vitalwire.ble.stored-records").tag("characteristic", "2A5E").tag("outcome", outcome)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void racpByteFormats_reportAllAndDeleteAll() {
        assertThat(DeviceSetup.reportAllStoredRecords()).containsExactly(0x01, 0x01);
        assertThat(DeviceSetup.deleteAllStoredRecords()).containsExactly(0x02, 0x01);
    }

    @Test
    void spotChecks_reportAll_thenDeleteAllOnlyOnceEveryRecordIsDurable() {
        bluez.oximeter = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);
        assertThat(bluez.racpWrites.get(0)).containsExactly(0x01, 0x01);
        assertThat(bluez.calls).containsSubsequence("startNotify " + SPOT_CHECK, "startNotify " + RACP,
                "write " + RACP);

        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0)));
        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(96, 71, 1)));
        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0))); // re-sent: known by key
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 4);
        assertThat(bluez.racpWrites).hasSize(1); // nothing deleted before the device's response

        bluez.emit(new BluezEvent.ValueChanged(RACP, REPORT_SUCCESS));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 2);
        assertThat(bluez.racpWrites.get(1)).containsExactly(0x02, 0x01);
        bluez.emit(new BluezEvent.ValueChanged(RACP, new byte[] {0x06, 0x00, 0x02, 0x01}));
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("deleted") == 1);
        assertThat(stored("requested")).isEqualTo(1);
        assertThat(stored("transfer-complete")).isEqualTo(1);
        assertThat(stored("delete-requested")).isEqualTo(1);
        assertThat(buffer.stats().unsent()).isEqualTo(4);
    }

    @Test
    void spotChecks_bufferRefusesARecord_nothingDeleted() {
        bluez.oximeter = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0)));
        await().atMost(Duration.ofSeconds(5)).until(() -> buffer.stats().unsent() == 2);
        bufferRefuses = true;
        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(96, 71, 1)));
        bluez.emit(new BluezEvent.ValueChanged(RACP, REPORT_SUCCESS));
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("kept-not-durable") == 1);
        assertThat(bluez.racpWrites).hasSize(1);
        assertThat(stored("delete-requested")).isZero();
    }

    @Test
    void spotChecks_malformedRecord_nothingDeleted() {
        bluez.oximeter = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        byte[] cut = java.util.Arrays.copyOf(storedSpotCheck(97, 72, 0), 12); // status announced, missing
        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, cut));
        bluez.emit(new BluezEvent.ValueChanged(RACP, REPORT_SUCCESS));
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("kept-not-durable") == 1);
        assertThat(bluez.racpWrites).hasSize(1);
    }

    @Test
    void spotChecks_interruptedBeforeTheResponse_nothingDeleted_allAskedForAgainOnReconnection() {
        bluez.oximeter = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);

        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0)));
        bluez.emit(new BluezEvent.DeviceChanged(DEVICE, false, false, null)); // link lost mid-transfer
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("transfer-interrupted") == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 2);
        assertThat(bluez.racpWrites.get(1)).containsExactly(0x01, 0x01); // asked again, never deleted

        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0)));
        bluez.emit(new BluezEvent.ValueChanged(RACP, REPORT_SUCCESS));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 3);
        assertThat(bluez.racpWrites.get(2)).containsExactly(0x02, 0x01);
        assertThat(buffer.stats().unsent()).isEqualTo(2);
    }

    @Test
    void spotChecks_noRecordsOrAFailedTransfer_nothingDeleted() {
        bluez.oximeter = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 1);
        bluez.emit(new BluezEvent.ValueChanged(RACP, new byte[] {0x06, 0x00, 0x01, 0x06}));
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("no-records") == 1);

        bluez.emit(new BluezEvent.DeviceChanged(DEVICE, false, false, null));
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.racpWrites.size() == 2);
        bluez.emit(new BluezEvent.ValueChanged(SPOT_CHECK, storedSpotCheck(97, 72, 0)));
        bluez.emit(new BluezEvent.ValueChanged(RACP, new byte[] {0x06, 0x00, 0x01, 0x08})); // procedure not done
        await().atMost(Duration.ofSeconds(5)).until(() -> stored("transfer-failed") == 1);
        assertThat(bluez.racpWrites).hasSize(2);
        assertThat(stored("transfer-interrupted")).isZero();
    }

    // ---- the allow-list and bonding ----

    @Test
    void aDeviceWithoutAnEntry_isNeverConnected_andCountedOnce_whateverSerialItWouldClaim() throws Exception {
        // The entry names the serial the unlisted device reports: a serial admits nothing.
        allowList = List.of("C0:1D:00:00:00:09 serial=HRS-0001");
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("startDiscovery"));
        bluez.emit(new BluezEvent.ObjectRemoved(DEVICE));
        bluez.emit(new BluezEvent.ObjectAdded(bluez.device(false)));
        Thread.sleep(500);

        assertThat(bluez.calls).noneMatch(c -> c.startsWith("connect ") || c.startsWith("pair ")
                || c.startsWith("read "));
        assertThat(events("unknown-device")).isEqualTo(1);
        assertThat(buffer.stats().unsent()).isZero();
    }

    @Test
    void anEntryWithAPasskey_bondsWithItBeforeAnythingIsRead_throughAKeyboardAgent() {
        allowList = List.of("C0:1D:00:00:00:01 passkey=123456");
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);

        assertThat(bluez.calls).contains("registerAgent KeyboardOnly");
        assertThat(bluez.calls).containsSubsequence("connect " + DEVICE, "pair " + DEVICE, "read " + SERIAL);
        assertThat(bluez.calls.indexOf("pair " + DEVICE)).isLessThan(bluez.calls.indexOf("read " + SERIAL));
        assertThat(bluez.pairings).containsExactly(new Bonding.Passkey(123456));
        assertThat(events("paired")).isEqualTo(1);
    }

    @Test
    void anEntryWithoutBonding_registersANoInputAgent_andNeverPairs() {
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);

        assertThat(bluez.calls).contains("registerAgent NoInputNoOutput").noneMatch(c -> c.startsWith("pair "));
    }

    @Test
    void aFailedBonding_isReported_andTriedAgainOnlyAfterThePairingBackoff() throws Exception {
        allowList = List.of("C0:1D:00:00:00:01 passkey=654321");
        bluez.pairFails = true;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.count("pair " + DEVICE) == 1);
        Thread.sleep(500);

        // The reconnect backoff is 20-100 ms: without the pairing backoff (600 ms and up) it would have bonded
        // again several times by now.
        assertThat(bluez.count("pair " + DEVICE)).isEqualTo(1);
        assertThat(bluez.calls).noneMatch(c -> c.startsWith("read ") || c.startsWith("startNotify "));
        assertThat(events("pairing-failed")).isEqualTo(1);
        assertThat(deviceEvents).singleElement().isInstanceOfSatisfying(DeviceEvent.Refused.class, e ->
                assertThat(e.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                        "device", "bd.C0~3A1D~3A00~3A00~3A00~3A01", "reason", "pairing-failed")));
        await().atMost(Duration.ofSeconds(3)).until(() -> bluez.count("pair " + DEVICE) == 2);
        assertThat(intake.state().devicesActive()).isZero();
    }

    @Test
    void aListedDeviceReportingAnotherSerial_isRefused_andReported() {
        allowList = List.of("C0:1D:00:00:00:01 serial=HRS-0009");
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> events("serial-mismatch") == 1);

        assertThat(bluez.calls).contains("read " + SERIAL).doesNotContain("startNotify " + HEART_RATE)
                .containsSubsequence("read " + SERIAL, "disconnect " + DEVICE);
        assertThat(intake.state().devicesActive()).isZero();
        // Named as the cloud knows the patient's device: by the entry's serial, not by what the device claimed.
        assertThat(deviceEvents).singleElement().isEqualTo(new DeviceEvent.Refused("sn.HRS-0009", "serial-mismatch",
                deviceEvents.get(0).at()));
        int connects = bluez.count("connect " + DEVICE);
        await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(1))
                .until(() -> bluez.count("connect " + DEVICE) == connects);
    }

    @Test
    void aSerialOnlyEntry_stopsTheGatewayAtStartUp_namingTheEntryByPosition() {
        allowList = List.of("C0:1D:00:00:00:01", "HRS-0001");
        org.assertj.core.api.Assertions.assertThatThrownBy(this::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 2 does not start with a BLE address")
                .hasMessageNotContaining("HRS-0001");
    }

    // ---- the device clock ----

    private void startWithDriftingClock(boolean enabled, ClockSync gateway) {
        bluez.clockOffset = Duration.ofMinutes(5);
        setDeviceClock = enabled;
        gatewayClock = gateway;
        start();
        await().atMost(Duration.ofSeconds(5)).until(() -> intake.state().devicesActive() == 1);
    }

    private double events(String type) {
        var c = meters.find("vitalwire.ble.events").tag("type", type).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void setDeviceClock_disabled_neverWritesTheClock() {
        startWithDriftingClock(false, ClockSync.SYNCED);

        assertThat(bluez.calls).doesNotContain("write " + CURRENT_TIME);
        assertThat(bluez.clockOffset).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void setDeviceClock_gatewayClockUnknownOrUnsynced_neverWritesTheClock() {
        startWithDriftingClock(true, ClockSync.UNKNOWN);
        assertThat(bluez.calls).doesNotContain("write " + CURRENT_TIME);
        assertThat(events("clock-set-skipped-unsynced")).isEqualTo(1);
        intake.close();
        intake = null;

        bluez = new ScriptedBluez();
        startWithDriftingClock(true, ClockSync.UNSYNCED);
        assertThat(bluez.calls).doesNotContain("write " + CURRENT_TIME);
    }

    @Test
    void setDeviceClock_enabledAndSynced_writesLocalTimeThenVerifiesByReadingBack() {
        startWithDriftingClock(true, ClockSync.SYNCED);

        assertThat(bluez.calls).containsSubsequence("read " + CURRENT_TIME, "write " + CURRENT_TIME,
                "read " + CURRENT_TIME, "startNotify " + HEART_RATE);
        assertThat(bluez.clockOffset.abs()).isLessThan(Duration.ofSeconds(2));
        byte[] written = bluez.lastClockWrite;
        assertThat(written).hasSize(10);
        assertThat(written[9]).isEqualTo((byte) DeviceClock.ADJUST_EXTERNAL_REFERENCE);
        assertThat(events("clock-set-succeeded")).isEqualTo(1);
        assertThat(events("clock-set-failed")).isZero();
    }

    /** The cloud's {@code ble.setDeviceClock} replaces the local setting (contract 1.2). */
    @Test
    void setDeviceClock_fromTheCloud_replacesTheLocalSetting_atTheNextConnection() {
        startWithDriftingClock(false, ClockSync.SYNCED);
        assertThat(bluez.calls).doesNotContain("write " + CURRENT_TIME);

        intake.applySettings(io.vitalwire.contract.GatewayConfig.of("gw-1", 1, java.time.Instant.now(),
                new io.vitalwire.contract.GatewayConfig.Devices(List.of("C0:1D:00:00:00:01 serial=HRS-0001"),
                        List.of()), new io.vitalwire.contract.GatewayConfig.BleSettings(true), null, null));
        // The entry changes too, so the device is connected again under it: its clock is checked then.
        intake.reallow(List.of("C0:1D:00:00:00:01 serial=HRS-0001"));

        await().atMost(Duration.ofSeconds(5)).until(() -> bluez.calls.contains("write " + CURRENT_TIME));
        assertThat(bluez.clockOffset.abs()).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void setDeviceClock_writeAcceptedWithoutEffect_isCountedAsFailed() {
        bluez.ignoresClockWrites = true;
        startWithDriftingClock(true, ClockSync.SYNCED);

        assertThat(bluez.calls).contains("write " + CURRENT_TIME);
        assertThat(events("clock-set-failed")).isEqualTo(1);
        assertThat(events("clock-set-succeeded")).isZero();
    }

    @Test
    void deviceClockEncode_isExactTime256WithDayOfWeekAndFractions() {
        byte[] v = DeviceClock.encode(java.time.LocalDateTime.of(2026, 11, 23, 14, 5, 9, 500_000_000), 0x02);
        assertThat(v).containsExactly(0xEA, 0x07, 11, 23, 14, 5, 9, 1, 128, 0x02);
        assertThat(DeviceClock.offsetMillis(v, ZoneOffset.UTC, java.time.Instant.parse("2026-11-23T14:05:09.500Z"),
                java.time.Instant.parse("2026-11-23T14:05:09.500Z"))).contains(0L);
    }

    /** A BlueZ with one heart-rate strap, scripted: what the gateway calls is recorded in order. */
    private static final class ScriptedBluez implements BluezClient {

        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile int unresolvedConnects;
        volatile int failedOpens;
        volatile byte[] valueOnConnect;
        /** Device clock minus true time; null: the strap offers no Current Time. */
        volatile Duration clockOffset;
        volatile boolean ignoresClockWrites;
        /** StartNotify on Battery Level fails, as on devices that want a bonded link for it. */
        volatile boolean refusesBatteryNotify;
        volatile byte[] lastClockWrite;
        /** Also a glucose meter: Glucose Measurement and a Record Access Control Point. */
        volatile boolean glucose;
        /** Also a pulse oximeter: PLX Spot-Check Measurement and a Record Access Control Point. */
        volatile boolean oximeter;
        final List<byte[]> racpWrites = new CopyOnWriteArrayList<>();
        /** How each Pair() was asked to bond. */
        final List<Bonding> pairings = new CopyOnWriteArrayList<>();
        /** Pair() fails as on a wrong passkey. */
        volatile boolean pairFails;
        private volatile Consumer<BluezEvent> listener;
        private volatile boolean open;

        BluezObject.Device device(boolean connected) {
            return new BluezObject.Device(DEVICE, ADAPTER, "C0:1D:00:00:00:01", connected, connected, false,
                    List.of(0x180D), null);
        }

        void emit(BluezEvent event) {
            listener.accept(event);
        }

        int count(String call) {
            return (int) calls.stream().filter(call::equals).count();
        }

        @Override
        public List<BluezObject> open(Consumer<BluezEvent> l) throws BluezException {
            calls.add("open");
            if (failedOpens > 0) {
                failedOpens--;
                throw new BluezException(BluezException.Kind.BUS_LOST, "no bus", null);
            }
            listener = l;
            open = true;
            return List.of(new BluezObject.Adapter(ADAPTER, true, false), device(false));
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void startDiscovery(String adapterPath) {
            calls.add("startDiscovery");
            emit(new BluezEvent.AdapterChanged(ADAPTER, null, true));
        }

        @Override
        public void stopDiscovery(String adapterPath) {
            calls.add("stopDiscovery");
            emit(new BluezEvent.AdapterChanged(ADAPTER, null, false));
        }

        @Override
        public void connect(String devicePath) {
            calls.add("connect " + devicePath);
            emit(new BluezEvent.DeviceChanged(devicePath, true, null, null));
            if (unresolvedConnects > 0) {
                unresolvedConnects--;
                return;
            }
            emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(SERIAL, DEVICE, 0x2A25, false)));
            emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(HEART_RATE, DEVICE, 0x2A37, true)));
            emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(BATTERY, DEVICE, 0x2A19, true)));
            if (clockOffset != null) {
                emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(CURRENT_TIME, DEVICE, 0x2A2B, false)));
            }
            if (glucose) {
                emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(GLUCOSE, DEVICE, 0x2A18, true)));
                emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(RACP, DEVICE, 0x2A52, true)));
            }
            if (oximeter) {
                emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(SPOT_CHECK, DEVICE, 0x2A5E, true)));
                emit(new BluezEvent.ObjectAdded(new BluezObject.Characteristic(RACP, DEVICE, 0x2A52, true)));
            }
            if (valueOnConnect != null) {
                emit(new BluezEvent.ValueChanged(HEART_RATE, valueOnConnect));
            }
            emit(new BluezEvent.DeviceChanged(devicePath, null, true, null));
        }

        @Override
        public void disconnect(String devicePath) {
            calls.add("disconnect " + devicePath);
            emit(new BluezEvent.DeviceChanged(devicePath, false, false, null));
        }

        @Override
        public void pair(String devicePath, Bonding bonding) throws BluezException {
            calls.add("pair " + devicePath);
            pairings.add(bonding);
            if (pairFails) {
                throw new BluezException(BluezException.Kind.AUTHENTICATION_FAILED,
                        "org.bluez.Error.AuthenticationFailed (scripted)", null);
            }
            emit(new BluezEvent.DeviceChanged(devicePath, null, null, true));
        }

        @Override
        public void registerAgent(String capability) {
            calls.add("registerAgent " + capability);
        }

        @Override
        public byte[] read(String characteristicPath) {
            calls.add("read " + characteristicPath);
            Map<String, byte[]> values = new HashMap<>();
            values.put(SERIAL, "HRS-0001".getBytes(StandardCharsets.UTF_8));
            values.put(BATTERY, new byte[] {87});
            if (clockOffset != null) {
                values.put(CURRENT_TIME, DeviceClock.encode(java.time.LocalDateTime.now(ZoneOffset.UTC)
                        .plus(clockOffset), 0));
            }
            return values.getOrDefault(characteristicPath, new byte[0]);
        }

        @Override
        public void write(String characteristicPath, byte[] value) {
            calls.add("write " + characteristicPath);
            if (characteristicPath.equals(RACP)) {
                racpWrites.add(value.clone());
            }
            if (characteristicPath.equals(CURRENT_TIME)) {
                lastClockWrite = value.clone();
                if (!ignoresClockWrites) {
                    var now = java.time.Instant.now();
                    clockOffset = Duration.ofMillis(DeviceClock.offsetMillis(value, ZoneOffset.UTC, now, now)
                            .orElseThrow());
                }
            }
        }

        @Override
        public void startNotify(String characteristicPath) throws BluezException {
            calls.add("startNotify " + characteristicPath);
            if (refusesBatteryNotify && characteristicPath.equals(BATTERY)) {
                throw new BluezException(BluezException.Kind.FAILED, "NotPermitted (scripted)", null);
            }
        }

        @Override
        public BluezObject.Characteristic describeCharacteristic(String characteristicPath) throws BluezException {
            throw new BluezException(BluezException.Kind.OBJECT_GONE, "unknown", null);
        }

        @Override
        public void close() {
            calls.add("close");
            open = false;
        }
    }

    private record TestConfig(List<String> allowList, boolean setDeviceClock) implements BleConfig {

        TestConfig(List<String> allowList) {
            this(allowList, false);
        }

        @Override
        public boolean isSetDeviceClock() {
            return setDeviceClock;
        }

        @Override
        public boolean isEnabled() {
            return true;
        }

        @Override
        public String getBusAddress() {
            return "";
        }

        @Override
        public String getAdapter() {
            return "hci0";
        }

        @Override
        public List<String> getAllowList() {
            return new ArrayList<>(allowList);
        }

        @Override
        public Duration getServicesResolvedTimeout() {
            return Duration.ofMillis(300);
        }

        @Override
        public Duration getReconnectBackoffMin() {
            return Duration.ofMillis(20);
        }

        @Override
        public Duration getReconnectBackoffMax() {
            return Duration.ofMillis(100);
        }

        @Override
        public Duration getPairingBackoffMin() {
            return Duration.ofMillis(600);
        }

        @Override
        public Duration getPairingBackoffMax() {
            return Duration.ofSeconds(5);
        }

        @Override
        public Duration getSuperviseInterval() {
            return Duration.ofMillis(50);
        }
    }
}
