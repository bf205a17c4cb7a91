package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Setting a device's clock, with the operator's consent ({@code ble.set-device-clock=true}) and a gateway clock
 * the operator vouches for ({@code clock-sync=trusted}): the cuff's clock runs 90 s ahead; the gateway writes Current
 * Time once, the simulated cuff's clock takes it, and the cuff's readings, on this connection and the next, carry a
 * small verified offset. (With the default, disabled, BluezGatewayIT proves the clock is never written.)
 */
class BluezClockSetIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final SimDeviceKind CUFF = SimDeviceKind.BLOOD_PRESSURE_CUFF;

    private final List<Reading> received = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(120)
    void enabledAndSynced_writesTheClockOnceAndLaterReadingsAreSynced() throws Exception {
        String gatewayId = "gw-clk-" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("vw-ble-clock-it-");
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE, EnumSet.of(CUFF))) {
            assertThat(bluez.clockOffset(CUFF)).isEqualTo(Duration.ofSeconds(90));
            MqttClient observer = subscribe(gatewayId);
            ServiceProcess gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"),
                    properties(gatewayId, dir, daemon.address()));
            try {
                gateway.awaitHealth(200, Duration.ofSeconds(60));
                awaitListening(bluez);
                assertThat(bluez.currentTimeWrites(CUFF)).hasSize(1);
                assertThat(bluez.clockOffset(CUFF).abs()).isLessThan(Duration.ofSeconds(2));
                bluez.measure(CUFF);
                awaitCuffReadings(1);

                // The next connection measures a small offset: nothing more to write, readings stay synced.
                bluez.disconnect(CUFF);
                bluez.measure(CUFF);
                awaitListening(bluez);
                awaitCuffReadings(2);
                assertThat(bluez.currentTimeWrites(CUFF)).hasSize(1);

                assertThat(received.stream().filter(r -> r.source().ref().equals("2A35"))).allSatisfy(r -> {
                    assertThat(Math.abs(r.clockOffsetMillis())).isLessThanOrEqualTo(2_000L);
                    assertThat(r.clockQuality()).isEqualTo(ClockQuality.SYNCED);
                });
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    String metrics = gateway.get("/prometheus");
                    assertThat(events(metrics, "clock-set-succeeded")).isEqualTo(1);
                    assertThat(events(metrics, "clock-set-failed")).isZero();
                });
            } finally {
                gateway.close();
                observer.disconnect();
                observer.close();
            }
        }
    }

    private void awaitCuffReadings(int measurements) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(received.stream()
                .filter(r -> r.source().ref().equals("2A35")).map(Reading::deviceTime).distinct().count())
                .isGreaterThanOrEqualTo(measurements));
    }

    private static void awaitListening(SimulatedBluez bluez) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> bluez.listening(CUFF));
    }

    private Map<String, String> properties(String gatewayId, Path dir, String busAddress) {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.gateway.id", gatewayId);
        p.put("vitalwire.gateway.tenant", "e2e");
        p.put("vitalwire.gateway.data-dir", dir.resolve("gateway").toString());
        p.put("vitalwire.gateway.device-time-zone", DEVICE_ZONE.getId());
        p.put("vitalwire.gateway.clock-sync", "trusted");
        p.put("vitalwire.gateway.coap.enabled", "false");
        p.put("vitalwire.gateway.uplink.broker-url", STACK.mqttUrl());
        p.put("vitalwire.gateway.ble.enabled", "true");
        p.put("vitalwire.gateway.ble.set-device-clock", "true");
        p.put("vitalwire.gateway.ble.bus-address", busAddress);
        p.put("vitalwire.gateway.ble.allow-list", CUFF.address());
        p.put("vitalwire.gateway.ble.reconnect-backoff-min", "200ms");
        p.put("vitalwire.gateway.ble.reconnect-backoff-max", "2s");
        p.put("vitalwire.gateway.ble.supervise-interval", "200ms");
        return p;
    }

    private MqttClient subscribe(String gatewayId) throws Exception {
        return GatewayObservers.readings(STACK, gatewayId, received);
    }

    private static long events(String prometheus, String type) {
        return GatewayObservers.counter(prometheus, "vitalwire_ble_events_total", "type=\"" + type + "\"");
    }
}
