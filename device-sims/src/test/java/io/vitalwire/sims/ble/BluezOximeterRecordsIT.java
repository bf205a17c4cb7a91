package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Reading;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimMeasurement;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pulse oximeter's stored PLX Spot-Check records through the Record Access Control Point, with the real gateway
 * jar against the simulated BlueZ on a private dbus-daemon: Report Stored Records (all), then — only once every record
 * of the transfer is in the gateway's durable buffer — Delete Stored Records (all). Stored records arrive exactly
 * once; after the delete the oximeter's storage is empty; a reconnection brings only what was stored since; a
 * transfer interrupted before the response deletes nothing, and its records come again and are recognised by key.
 */
class BluezOximeterRecordsIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final SimDeviceKind OXI = SimDeviceKind.PULSE_OXIMETER;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REPORT_ALL = "01 01";
    private static final String DELETE_ALL = "02 01";

    private final List<Reading> received = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(150)
    void storedSpotChecks_onceEach_deletedOnlyWhenDurable_interruptedTransferDeletesNothing() throws Exception {
        String gatewayId = "gw-plx-" + UUID.randomUUID().toString().substring(0, 8);
        ExpectedReadings expected = new ExpectedReadings(gatewayId);
        Path dir = Files.createTempDirectory("vw-plx-it-");
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE, List.of(OXI))) {
            // Three spot-checks taken while no gateway listens: in the oximeter's measurement storage.
            for (int i = 0; i < 3; i++) {
                bluez.measure(OXI);
            }
            assertThat(bluez.storedRecords(OXI)).hasSize(3);
            MqttClient observer = subscribe(gatewayId);
            ServiceProcess gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"),
                    gatewayProperties(gatewayId, dir, daemon.address()));
            try {
                gateway.awaitHealth(200, Duration.ofSeconds(60));

                // 1. First connection: all three reported, committed, then deleted on the device.
                awaitTransferDeleted(bluez, 1);
                awaitArrival(bluez, expected);
                assertThat(fromStorage(bluez)).containsExactly(0, 1, 2);
                assertThat(requests(bluez)).containsExactly(REPORT_ALL, DELETE_ALL);
                assertThat(bluez.racpResponses(OXI).stream().map(BluezOximeterRecordsIT::hex))
                        .containsExactly("06 00 01 01", "06 00 02 01");

                // 2. Out of range; two more spot-checks stored meanwhile. The reconnection brings only those.
                bluez.remove(OXI, Duration.ofSeconds(1));
                bluez.measure(OXI);
                bluez.measure(OXI);
                awaitTransferDeleted(bluez, 2);
                awaitArrival(bluez, expected);
                assertThat(fromStorage(bluez)).containsExactly(0, 1, 2, 3, 4);

                // 3. The next transfer breaks off after one record, before the response: nothing is deleted, so the
                //    next connection reports both records again, and only then deletes.
                bluez.interruptNextStoredTransfer(OXI, 1);
                bluez.remove(OXI, Duration.ofSeconds(1));
                bluez.measure(OXI);
                bluez.measure(OXI);
                awaitTransferDeleted(bluez, 3);
                awaitArrival(bluez, expected);
                assertThat(fromStorage(bluez)).containsExactly(0, 1, 2, 3, 4, 5, 5, 6);
                List<String> requests = requests(bluez);
                int interrupted = requests.lastIndexOf(REPORT_ALL) - 1;
                while (!requests.get(interrupted).equals(REPORT_ALL)) {
                    interrupted--;
                }
                assertThat(requests.subList(interrupted, requests.size()))
                        .as("no delete between the interrupted transfer and the next one")
                        .containsExactly(REPORT_ALL, REPORT_ALL, DELETE_ALL);

                // Every stored record exactly once on the broker, with nothing left on the device.
                Set<String> keys = expected.of(bluez.sent()).stream().map(ExpectedReadings.Expected::key)
                        .collect(Collectors.toSet());
                assertThat(keys).hasSize(7 * 2);
                Map<String, Long> perKey = received.stream().collect(Collectors.groupingBy(Reading::key,
                        Collectors.counting()));
                assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
                assertThat(perKey.values()).allMatch(n -> n == 1);
                assertThat(bluez.storedRecords(OXI)).isEmpty();

                String metrics = gateway.get("/prometheus");
                assertThat(storedRecords(metrics, "deleted")).isEqualTo(3);
                assertThat(storedRecords(metrics, "transfer-interrupted")).isEqualTo(1);
                assertThat(storedRecords(metrics, "kept-not-durable")).isZero();
                System.out.printf("PLX RACP IT: %d spot-check values sent, %d RACP requests, %d readings%n",
                        bluez.sent().size(), bluez.racpRequests(OXI).size(), received.size());
            } finally {
                gateway.close();
                observer.disconnect();
                observer.close();
            }
        }
    }

    /** Until the device has answered {@code n} Delete Stored Records with success and is listened to again. */
    private static void awaitTransferDeleted(SimulatedBluez bluez, int n) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(bluez.racpResponses(OXI).stream().map(BluezOximeterRecordsIT::hex)
                    .filter("06 00 02 01"::equals).count()).isEqualTo(n);
            assertThat(bluez.storedRecords(OXI)).isEmpty();
        });
    }

    /** The record indices the oximeter indicated from its storage (status field present), in order. */
    private static List<Integer> fromStorage(SimulatedBluez bluez) {
        return bluez.sent().stream().filter(m -> m.uuid16() == 0x2A5E && (m.value()[0] & 0x02) != 0)
                .map(SimMeasurement::index).toList();
    }

    private static List<String> requests(SimulatedBluez bluez) {
        return bluez.racpRequests(OXI).stream().map(BluezOximeterRecordsIT::hex).toList();
    }

    private void awaitArrival(SimulatedBluez bluez, ExpectedReadings expected) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Set<String> keys = received.stream().map(Reading::key).collect(Collectors.toSet());
            assertThat(expected.of(bluez.sent()).stream().filter(e -> !keys.contains(e.key())).toList())
                    .as("readings not yet arrived").isEmpty();
        });
    }

    private Map<String, String> gatewayProperties(String gatewayId, Path dir, String busAddress) {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.gateway.id", gatewayId);
        p.put("vitalwire.gateway.tenant", "e2e");
        p.put("vitalwire.gateway.data-dir", dir.resolve("gateway").toString());
        p.put("vitalwire.gateway.device-time-zone", DEVICE_ZONE.getId());
        p.put("vitalwire.gateway.coap.enabled", "false");
        p.put("vitalwire.gateway.uplink.broker-url", STACK.mqttUrl());
        p.put("vitalwire.gateway.ble.enabled", "true");
        p.put("vitalwire.gateway.ble.bus-address", busAddress);
        p.put("vitalwire.gateway.ble.allow-list", OXI.address());
        p.put("vitalwire.gateway.ble.services-resolved-timeout", "3s");
        p.put("vitalwire.gateway.ble.reconnect-backoff-min", "200ms");
        p.put("vitalwire.gateway.ble.reconnect-backoff-max", "2s");
        p.put("vitalwire.gateway.ble.supervise-interval", "200ms");
        return p;
    }

    private MqttClient subscribe(String gatewayId) throws Exception {
        return GatewayObservers.readings(STACK, gatewayId, received);
    }

    private static long storedRecords(String prometheus, String outcome) {
        return GatewayObservers.counter(prometheus, "vitalwire_ble_stored_records_total", "characteristic=\"2A5E\"",
                "outcome=\"" + outcome + "\"");
    }

    private static String hex(byte[] value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }
}
