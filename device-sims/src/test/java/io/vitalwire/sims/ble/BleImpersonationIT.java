package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
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
 * Bluetooth impersonation (issue 14, point 2b), the gateway jar against a simulated BlueZ on a private dbus-daemon:
 * a neighbour's cuff that claims the household cuff's serial, and a thermometer on no list, are never connected,
 * paired or read, only counted; the allow-listed cuff is bonded with its passkey before anything is read; a scale
 * whose entry has the wrong passkey fails to bond and is tried again only after the pairing backoff; a thermometer
 * with LE privacy is recognised under its private address by its IRK and its readings carry its identity address; a
 * listed strap that reports another serial than its entry's is refused.
 */
class BleImpersonationIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final Duration READY = Duration.ofSeconds(40);
    private static final SimDeviceKind CUFF = SimDeviceKind.BLOOD_PRESSURE_CUFF;
    private static final SimDeviceKind NEIGHBOUR = SimDeviceKind.NEIGHBOUR_CUFF;
    private static final SimDeviceKind UNLISTED = SimDeviceKind.THERMOMETER;
    private static final SimDeviceKind WRONG_PASSKEY = SimDeviceKind.SCALE;
    private static final SimDeviceKind PRIVATE = SimDeviceKind.PRIVATE_THERMOMETER;
    private static final SimDeviceKind OTHER_SERIAL = SimDeviceKind.HEART_RATE_STRAP;
    /** The Core specification's sample IRK, which the simulated private thermometer uses. */
    private static final String IRK = "ec0234a357c8ad05341010a60a397d9b";
    private static final Duration PAIRING_BACKOFF = Duration.ofSeconds(4);

    private final List<Reading> received = new CopyOnWriteArrayList<>();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(180)
    void onlyListedDevicesAreConnected_bondedByPasskey_neverANeighbourClaimingAListedSerial() throws Exception {
        String gatewayId = "gw-ble-imp-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("vw-ble-imp-");
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE,
                     EnumSet.of(CUFF, NEIGHBOUR, UNLISTED, WRONG_PASSKEY, PRIVATE, OTHER_SERIAL))) {
            bluez.requirePasskey(CUFF, 123456);
            bluez.requirePasskey(NEIGHBOUR, 123456); // the same model, the same printed passkey
            bluez.requirePasskey(WRONG_PASSKEY, 246810);
            bluez.requirePasskey(PRIVATE, 654321);
            // The specification's sample private address for that IRK, not its identity address.
            assertThat(bluez.address(PRIVATE)).isEqualTo("70:81:94:0D:FB:AA");
            MqttClient observer = GatewayObservers.readingsAndEvents(STACK, gatewayId, received, events);
            ServiceProcess gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"),
                    properties(gatewayId, dir, daemon.address()));
            try {
                gateway.awaitHealth(200, Duration.ofSeconds(60));
                await().atMost(READY).pollInterval(Duration.ofMillis(100))
                        .until(() -> bluez.listening(CUFF) && bluez.listening(PRIVATE));

                // Bonded with the passkeys their entries give; the private device now under its identity address.
                assertThat(bluez.paired(CUFF)).isTrue();
                assertThat(bluez.paired(PRIVATE)).isTrue();
                assertThat(bluez.address(PRIVATE)).isEqualTo(PRIVATE.address());
                for (int i = 0; i < 2; i++) {
                    for (SimDeviceKind kind : List.of(CUFF, NEIGHBOUR, PRIVATE, UNLISTED, WRONG_PASSKEY)) {
                        bluez.measure(kind);
                    }
                }
                ExpectedReadings expected = new ExpectedReadings(gatewayId);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Set<String> keys = received.stream().map(Reading::key).collect(Collectors.toSet());
                    assertThat(expected.of(bluez.sent()).stream().map(ExpectedReadings.Expected::key)
                            .filter(k -> k != null && !keys.contains(k)).toList()).as("not arrived").isEmpty();
                });
                assertThat(received.stream().map(r -> r.device().address()).distinct())
                        .containsExactlyInAnyOrder(CUFF.address(), PRIVATE.address());
                assertThat(received).filteredOn(r -> r.device().address().equals(PRIVATE.address())).hasSize(2);

                // The wrong passkey: bonding failed, reported, and not retried before the pairing backoff.
                await().atMost(READY).until(() -> !bluez.pairAttempts(WRONG_PASSKEY).isEmpty());
                Instant firstBonding = bluez.pairAttempts(WRONG_PASSKEY).get(0);
                Instant windowEnd = firstBonding.plusSeconds(10);
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), windowEnd).toMillis()));
                List<Instant> bondings = bluez.pairAttempts(WRONG_PASSKEY).stream()
                        .filter(t -> t.isBefore(windowEnd)).toList();
                // 10 s: with the reconnect backoff (200 ms to 2 s) that would be 8 attempts or more.
                assertThat(bondings).as("bonding attempts with a wrong passkey in 10 s").hasSizeBetween(1, 3);
                for (int i = 1; i < bondings.size(); i++) {
                    assertThat(Duration.between(bondings.get(i - 1), bondings.get(i)))
                            .isGreaterThanOrEqualTo(PAIRING_BACKOFF.minusMillis(100));
                }
                assertThat(bluez.paired(WRONG_PASSKEY)).isFalse();
                assertThat(bluez.listening(WRONG_PASSKEY)).isFalse();
                assertThat(bluez.passkeysEntered()).contains(123456L, 654321L, 135790L).doesNotContain(246810L);

                // Never connected, never paired, nothing sent: the neighbour claiming the cuff's serial, the unlisted.
                for (SimDeviceKind stranger : List.of(NEIGHBOUR, UNLISTED)) {
                    assertThat(bluez.connectAttempts(stranger)).as(stranger + " connects").isEmpty();
                    assertThat(bluez.pairAttempts(stranger)).as(stranger + " bondings").isEmpty();
                    assertThat(bluez.sent()).as(stranger + " values").noneMatch(m -> m.kind() == stranger);
                }
                assertThat(received).noneMatch(r -> r.device().address().equals(NEIGHBOUR.address()));
                // The strap reports another serial than its entry: refused once, never served.
                assertThat(bluez.connectAttempts(OTHER_SERIAL)).hasSize(1);
                assertThat(bluez.listening(OTHER_SERIAL)).isFalse();

                String metrics = gateway.get("/prometheus");
                assertThat(event(metrics, "unknown-device")).isEqualTo(2);
                assertThat(event(metrics, "serial-mismatch")).isEqualTo(1);
                assertThat(event(metrics, "pairing-failed")).isGreaterThanOrEqualTo(bondings.size());
                assertThat(event(metrics, "paired")).isEqualTo(2);
                // Reported to the cloud too, by the entry's serial or the identity address, never the device's claim.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events.stream()
                        .filter(e -> e.type().equals(GatewayEvent.DEVICE_REFUSED)).map(GatewayEvent::attributes)
                        .distinct()).containsExactlyInAnyOrder(
                                Map.of("device", "bd.C0~3A1D~3A00~3A00~3A00~3A04", "reason", "pairing-failed"),
                                Map.of("device", "sn.HRS-9999", "reason", "serial-mismatch")));
                System.out.printf("BLE impersonation IT: %d readings, %d bondings with the wrong passkey in 10 s%n",
                        received.size(), bondings.size());
            } finally {
                gateway.close();
                observer.disconnect();
                observer.close();
            }
        }
    }

    private static Map<String, String> properties(String gatewayId, Path dir, String busAddress) {
        String allowList = String.join(",",
                CUFF.address() + " passkey=123456 serial=" + CUFF.serial(),
                WRONG_PASSKEY.address() + " passkey=135790",
                PRIVATE.address() + " irk=" + IRK + " passkey=654321",
                OTHER_SERIAL.address() + " serial=HRS-9999");
        Map<String, String> p = BleGatewayProperties.of(STACK, gatewayId, dir.resolve("gateway"), DEVICE_ZONE,
                busAddress, allowList);
        p.put("vitalwire.gateway.ble.pairing-backoff-min", PAIRING_BACKOFF.toMillis() + "ms");
        p.put("vitalwire.gateway.ble.pairing-backoff-max", "60s");
        p.put("vitalwire.gateway.coap.enabled", "false");
        return p;
    }

    private static long event(String prometheus, String type) {
        return GatewayObservers.counter(prometheus, "vitalwire_ble_events_total", "type=\"" + type + "\"");
    }
}
