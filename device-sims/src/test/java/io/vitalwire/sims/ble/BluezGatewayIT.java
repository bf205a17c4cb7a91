package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimMeasurement;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.StackSettings;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway's BlueZ code, unchanged from what runs on a hub, against a simulated BlueZ on a private dbus-daemon:
 * all six device kinds, their readings on the real MQTT broker with the right codes, units and values, and through
 * an injected disconnect, an object removal, a dbus-daemon restart and an adapter power cycle, no reading lost and
 * none duplicated. Along the way: a device that needs bonding (paired through the gateway's agent), a first
 * connection whose services never resolve, serials cross-checked by the allow-list, glucose records fetched through RACP, an
 * oximeter's stored spot-check fetched through its RACP and then deleted on it, and a drifting device clock
 * corrected through Current Time. Each device is reported connected with its battery level, and disconnected when its
 * link drops, as device events on the broker.
 */
class BluezGatewayIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration ARRIVAL = Duration.ofSeconds(20);
    private static final EnumSet<SimDeviceKind> ALL = EnumSet.copyOf(SimDeviceKind.HOUSEHOLD);

    private final List<Reading> received = new CopyOnWriteArrayList<>();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(180)
    void sixDeviceKinds_everyReadingOnceAcrossDisconnectRemovalBusRestartAndPowerCycle() throws Exception {
        String gatewayId = "gw-ble-" + UUID.randomUUID().toString().substring(0, 8);
        ExpectedReadings expected = new ExpectedReadings(gatewayId);
        Path dir = Files.createTempDirectory("vw-ble-it-");
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE, ALL)) {
            bluez.requirePairing(SimDeviceKind.BLOOD_PRESSURE_CUFF);
            bluez.neverResolveServices(SimDeviceKind.THERMOMETER, 1);
            MqttClient observer = subscribe(gatewayId);
            ServiceProcess gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"),
                    gatewayProperties(gatewayId, dir, daemon.address()));
            try {
                gateway.awaitHealth(200, Duration.ofSeconds(60));

                // 1. Discovery, connect (one device only after a services-resolved timeout, one after pairing).
                awaitListening(bluez, ALL);
                measureAll(bluez, 3);
                awaitArrival(bluez, expected);
                assertThat(bluez.paired(SimDeviceKind.BLOOD_PRESSURE_CUFF)).isTrue();

                // Values that must never become readings: refused, counted by reason, nothing forwarded.
                assertThat(bluez.sendRaw(SimDeviceKind.BLOOD_PRESSURE_CUFF, 0x2A35,
                        new byte[] {0x02, 0x78, 0x00, 0x50, 0x00, 0x60, 0x00, (byte) 0xEA})).isTrue(); // time cut
                assertThat(bluez.sendRaw(SimDeviceKind.BLOOD_PRESSURE_CUFF, 0x2A35,
                        new byte[] {0x00, (byte) 0xFF, 0x07, 0x50, 0x00, 0x60, 0x00})).isTrue(); // systolic NaN
                assertThat(bluez.sendRaw(SimDeviceKind.SCALE, 0x2A9D,
                        new byte[] {0x00, (byte) 0xFF, (byte) 0xFF})).isTrue(); // measurement unsuccessful
                await().atMost(ARRIVAL).untilAsserted(() -> {
                    String metrics = gateway.get("/prometheus");
                    assertThat(rejected(metrics, "malformed", "2A35")).isEqualTo(1);
                    assertThat(rejected(metrics, "refused", "2A35")).isEqualTo(1);
                    assertThat(rejected(metrics, "refused", "2A9D")).isEqualTo(1);
                });

                // 2. Links drop; the spot devices measure meanwhile and keep the values.
                List<SimDeviceKind> dropped = List.of(SimDeviceKind.HEART_RATE_STRAP,
                        SimDeviceKind.BLOOD_PRESSURE_CUFF, SimDeviceKind.SCALE);
                dropped.forEach(bluez::disconnect);
                bluez.measure(SimDeviceKind.BLOOD_PRESSURE_CUFF);
                bluez.measure(SimDeviceKind.SCALE);
                awaitListening(bluez, ALL);
                measureAll(bluez, 1);
                awaitArrival(bluez, expected);

                // 3. BlueZ removes two device objects; they come back as new objects on rediscovery.
                int glucoseBefore = glucoseRecordsSent(bluez);
                bluez.remove(SimDeviceKind.GLUCOSE_METER, Duration.ofSeconds(1));
                bluez.remove(SimDeviceKind.PULSE_OXIMETER, Duration.ofSeconds(1));
                bluez.measure(SimDeviceKind.GLUCOSE_METER);
                bluez.measure(SimDeviceKind.GLUCOSE_METER);
                bluez.measure(SimDeviceKind.PULSE_OXIMETER);
                awaitListening(bluez, ALL);
                measureAll(bluez, 1);
                awaitArrival(bluez, expected);
                // RACP asked only for the records after the last one that reached the buffer.
                assertThat(bluez.racpRequests()).anySatisfy(r -> assertThat(r).containsExactly(0x01, 0x03, 0x01,
                        (glucoseBefore + 1) & 0xFF, (glucoseBefore + 1) >> 8));

                // 4. The dbus-daemon dies and a new one starts at the same address.
                bluez.restartBus(daemon);
                for (SimDeviceKind kind : List.of(SimDeviceKind.THERMOMETER, SimDeviceKind.SCALE,
                        SimDeviceKind.GLUCOSE_METER)) {
                    bluez.measure(kind); // kept by the devices until the gateway is back
                }
                awaitListening(bluez, ALL);
                measureAll(bluez, 1);
                awaitArrival(bluez, expected);

                // 5. The adapter is powered off and on.
                bluez.powerCycle(Duration.ofSeconds(1));
                bluez.measure(SimDeviceKind.THERMOMETER);
                Thread.sleep(1_500);
                awaitListening(bluez, ALL);
                measureAll(bluez, 1);
                awaitArrival(bluez, expected);

                assertEveryReadingOnceWithItsCodesUnitsAndValues(bluez, expected);
                assertDriftingClockWasCorrected(bluez);
                assertEveryDeviceReportedConnectedWithItsBattery_andTheDroppedOnesDisconnected();
                // The spot-check the oximeter took while away came from its storage (status bit 9) through RACP,
                // once (checked above), and the gateway's Delete Stored Records left the storage empty.
                assertThat(bluez.sent().stream().filter(m -> m.uuid16() == 0x2A5E && (m.value()[0] & 0x02) != 0)
                        .map(SimMeasurement::index).toList()).hasSize(1);
                assertThat(bluez.storedRecords(SimDeviceKind.PULSE_OXIMETER)).isEmpty();
                assertThat(bluez.racpRequests(SimDeviceKind.PULSE_OXIMETER).stream()
                        .filter(r -> r.length == 2 && r[0] == 0x02 && r[1] == 0x01)).hasSize(1);
                System.out.printf("BLE IT: %d values sent (re-sends included), %d readings expected, %d received, "
                        + "%d RACP requests%n", bluez.sent().size(), expected.of(bluez.sent()).size(),
                        received.size(), bluez.racpRequests().size());
            } finally {
                gateway.close();
                observer.disconnect();
                observer.close();
            }
        }
    }

    private Map<String, String> gatewayProperties(String gatewayId, Path dir, String busAddress) {
        // Every device by its address; the cuff bonds with just works when it asks, two have their Device Information
        // serial cross-checked.
        String allowList = String.join(",", SimDeviceKind.HEART_RATE_STRAP.address(),
                SimDeviceKind.BLOOD_PRESSURE_CUFF.address() + " just-works",
                SimDeviceKind.THERMOMETER.address() + " serial=" + SimDeviceKind.THERMOMETER.serial(),
                SimDeviceKind.SCALE.address(), SimDeviceKind.GLUCOSE_METER.address(),
                SimDeviceKind.PULSE_OXIMETER.address() + " serial=" + SimDeviceKind.PULSE_OXIMETER.serial());
        Map<String, String> p = BleGatewayProperties.of(STACK, gatewayId, dir.resolve("gateway"), DEVICE_ZONE,
                busAddress, allowList);
        // Readings are synced/corrected only from a gateway whose own clock is synchronised; this machine may have no
        // timedatectl answer. set-device-clock stays off, so no clock is written either way.
        p.put("vitalwire.gateway.clock-sync", "trusted");
        p.put("vitalwire.gateway.coap.enabled", "false");
        return p;
    }

    private MqttClient subscribe(String gatewayId) throws Exception {
        return GatewayObservers.readingsAndEvents(STACK, gatewayId, received, events);
    }

    private void assertEveryDeviceReportedConnectedWithItsBattery_andTheDroppedOnesDisconnected() {
        List<String> devices = received.stream().map(r -> ReadingKey.deviceId(r.device())).distinct().toList();
        assertThat(devices).hasSize(ALL.size());
        await().atMost(ARRIVAL).untilAsserted(() -> {
            for (String device : devices) {
                List<GatewayEvent> its = events.stream()
                        .filter(e -> device.equals(e.attributes().get("device"))).toList();
                assertThat(its).as(device).extracting(GatewayEvent::type)
                        .contains("device-connected", "device-battery", "device-disconnected");
                // The simulator's Battery Level is 87 %; read at every connection.
                assertThat(its).filteredOn(e -> e.type().equals("device-battery"))
                        .allSatisfy(e -> assertThat(e.attributes()).containsEntry("level", "87"));
                assertThat(its.stream().filter(e -> e.type().equals("device-battery")).count())
                        .as(device + ": a battery level per connection")
                        .isEqualTo(its.stream().filter(e -> e.type().equals("device-connected")).count());
            }
        });
    }

    private static void awaitListening(SimulatedBluez bluez, EnumSet<SimDeviceKind> kinds) {
        await().atMost(READY).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(kinds.stream().filter(k -> !bluez.listening(k)).toList()).isEmpty());
    }

    /** Each device measures {@code rounds} times; streams a little apart, so no two share a receive millisecond. */
    private static void measureAll(SimulatedBluez bluez, int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            for (SimDeviceKind kind : ALL) {
                bluez.measure(kind);
                Thread.sleep(20);
            }
        }
    }

    /** Until every measurement the devices sent so far is on the broker (streams counted, the rest by key). */
    private void awaitArrival(SimulatedBluez bluez, ExpectedReadings expected) {
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<ExpectedReadings.Expected> all = expected.of(bluez.sent());
            var keys = received.stream().map(Reading::key).collect(Collectors.toSet());
            assertThat(all.stream().filter(e -> e.key() != null && !keys.contains(e.key())).toList())
                    .as("readings not yet arrived").isEmpty();
            for (String ref : List.of("2A37", "2A5F")) {
                long want = all.stream().filter(e -> e.key() == null && e.ref().equals(ref)).count();
                long got = received.stream().filter(r -> r.source().ref().equals(ref)).count();
                assertThat(got).as("stream readings from " + ref).isGreaterThanOrEqualTo(want);
            }
        });
    }

    private void assertEveryReadingOnceWithItsCodesUnitsAndValues(SimulatedBluez bluez, ExpectedReadings expected) {
        List<ExpectedReadings.Expected> all = expected.of(bluez.sent());
        List<Reading> readings = List.copyOf(received);

        // None duplicated: the cuff re-sent its last measurement on every reconnection, the meter its records.
        Map<String, Long> perKey = readings.stream().collect(Collectors.groupingBy(Reading::key,
                Collectors.counting()));
        assertThat(perKey.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("duplicated keys").isEmpty();
        assertThat(bluez.sent().stream().filter(m -> m.uuid16() == 0x2A35).count())
                .as("the cuff re-sent measurements").isGreaterThan(all.stream()
                        .filter(e -> e.ref().equals("2A35") && e.mdc().equals("150020")).count());
        assertThat(readings).noneMatch(r -> r.source().ref().equals("2A36"));

        // None lost, none invented, each with its codes, units and values.
        Map<String, Reading> byKey = readings.stream().collect(Collectors.toMap(Reading::key, Function.identity()));
        List<ExpectedReadings.Expected> keyed = all.stream().filter(e -> e.key() != null).toList();
        for (ExpectedReadings.Expected e : keyed) {
            Reading r = byKey.get(e.key());
            assertThat(r).as("reading " + e.key()).isNotNull();
            assertMatches(r, e);
        }
        for (String ref : List.of("2A37", "2A5F")) {
            List<ExpectedReadings.Expected> want = all.stream().filter(e -> e.key() == null && e.ref().equals(ref))
                    .toList();
            List<Reading> got = readings.stream().filter(r -> r.source().ref().equals(ref))
                    .sorted(Comparator.comparing(Reading::receivedAt).thenComparing(Reading::mdc)).toList();
            assertThat(got).as("stream readings from " + ref).hasSize(want.size());
            assertThat(signatures(got)).containsExactlyInAnyOrderElementsOf(expectedSignatures(want));
        }
        assertThat(readings).hasSize(all.size());
        assertThat(keyed.stream().map(ExpectedReadings.Expected::ref).distinct())
                .containsExactlyInAnyOrder("2A35", "2A1C", "2A9D", "2A18", "2A5E");
    }

    private static void assertMatches(Reading r, ExpectedReadings.Expected e) {
        assertThat(r.type()).as(e.key()).isEqualTo(e.type());
        assertThat(r.mdc()).as(e.key()).isEqualTo(e.mdc());
        assertThat(r.source().ref()).as(e.key()).isEqualTo(e.ref());
        assertThat(r.values()).as(e.key()).hasSameSizeAs(e.values());
        for (int i = 0; i < e.values().size(); i++) {
            ExpectedReadings.Value want = e.values().get(i);
            assertThat(r.values().get(i).mdc()).as(e.key()).isEqualTo(want.mdc());
            assertThat(r.values().get(i).unit()).as(e.key()).isEqualTo(want.unit());
            assertThat(r.values().get(i).value()).as(e.key()).isEqualByComparingTo(want.value());
        }
    }

    /** Streams have no stable key: compare what they carried (type, code, value, unit), as multisets. */
    private static List<String> signatures(List<Reading> readings) {
        List<String> out = new ArrayList<>();
        for (Reading r : readings) {
            out.add(r.type() + " " + r.mdc() + " " + r.values().get(0).value().stripTrailingZeros().toPlainString()
                    + " " + r.values().get(0).unit());
        }
        return out;
    }

    private static List<String> expectedSignatures(List<ExpectedReadings.Expected> expected) {
        List<String> out = new ArrayList<>();
        for (ExpectedReadings.Expected e : expected) {
            BigDecimal v = e.values().get(0).value();
            out.add(e.type() + " " + e.mdc() + " " + v.stripTrailingZeros().toPlainString() + " "
                    + e.values().get(0).unit());
        }
        return out;
    }

    /** The cuff's clock runs 90 s ahead: measured through Current Time and taken off its timestamps. */
    private void assertDriftingClockWasCorrected(SimulatedBluez bluezForClock) {
        List<Reading> cuff = received.stream().filter(r -> r.source().ref().equals("2A35")).toList();
        assertThat(cuff).isNotEmpty().allSatisfy(r -> {
            assertThat(r.clockOffsetMillis()).isBetween(87_000L, 93_000L);
            assertThat(r.clockQuality()).isEqualTo(ClockQuality.CORRECTED);
            assertThat(r.measuredAt()).isEqualTo(java.time.LocalDateTime.parse(r.deviceTime()).atZone(DEVICE_ZONE)
                    .toInstant().minusMillis(r.clockOffsetMillis()));
        });
        // set-device-clock is off by default: the clock is measured and corrected for, never written.
        for (SimDeviceKind kind : ALL) {
            assertThat(bluezForClock.currentTimeWrites(kind)).as("Current Time writes to " + kind).isEmpty();
        }
        assertThat(bluezForClock.clockOffset(SimDeviceKind.BLOOD_PRESSURE_CUFF)).isEqualTo(Duration.ofSeconds(90));
        List<Reading> thermometer = received.stream().filter(r -> r.source().ref().equals("2A1C")).toList();
        assertThat(thermometer).allSatisfy(r -> assertThat(r.clockQuality()).isEqualTo(ClockQuality.SYNCED));
    }

    /** The gateway's count of refused BLE values for a reason and characteristic, from its Prometheus text. */
    private static long rejected(String prometheus, String reason, String characteristic) {
        return GatewayObservers.counter(prometheus, "vitalwire_intake_rejected_total", "source=\"ble\"",
                "reason=\"" + reason + "\"", "characteristic=\"" + characteristic + "\"");
    }

    private static int glucoseRecordsSent(SimulatedBluez bluez) {
        return (int) bluez.sent().stream().filter(m -> m.uuid16() == 0x2A18).map(SimMeasurement::index).distinct()
                .count();
    }
}
