package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.buffer.EventOutbox;
import io.vitalwire.gateway.events.DeviceEvent;
import io.vitalwire.gateway.events.DeviceEvents;
import io.vitalwire.testing.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A low-battery report made while the broker is down, by a gateway that is then restarted, reaches a subscriber once
 * the broker is back: device events wait on disk ({@link EventOutbox}) until the broker acknowledged them. Against a
 * Mosquitto of the test's own, stopped and started again.
 */
class DeviceEventsOutageTest {

    @TempDir
    Path dir;

    @Test
    void aBatteryReportDuringABrokerOutage_andARestart_arrivesOnceTheBrokerIsBack() throws Exception {
        String id = "gw-events-" + UUID.randomUUID().toString().substring(0, 8);
        Topic events = Topic.of("test", id, Channel.EVENTS);
        ContractCodec codec = new ContractCodec();
        Path data = Files.createDirectories(dir.resolve("data"));
        Instant measuredAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (MosquittoBroker broker = MosquittoBroker.plain(Files.createDirectories(dir.resolve("broker")))) {
            Map<String, Object> properties = Map.of(
                    "vitalwire.gateway.id", id,
                    "vitalwire.gateway.tenant", "test",
                    "vitalwire.gateway.data-dir", data.toString(),
                    "vitalwire.gateway.coap.enabled", "false",
                    "micronaut.server.port", "-1",
                    "vitalwire.gateway.uplink.broker-url", broker.url(),
                    "vitalwire.gateway.uplink.heartbeat-interval", "500ms",
                    "vitalwire.gateway.uplink.max-backoff", "1s");
            try (ApplicationContext gateway = ApplicationContext.run(properties)) {
                MqttUplink uplink = gateway.getBean(MqttUplink.class);
                await().atMost(Duration.ofSeconds(15)).until(() -> uplink.state() == UplinkState.CONNECTED);
                broker.stop();
                await().atMost(Duration.ofSeconds(15)).until(() -> uplink.state() == UplinkState.CONNECTING);

                gateway.getBean(DeviceEvents.class).report(new DeviceEvent.Battery("sn.CUFF-1", 18, measuredAt));
                assertThat(gateway.getBean(EventOutbox.class).oldest(10)).hasSize(1);
            }

            List<GatewayEvent> received = new CopyOnWriteArrayList<>();
            try (ApplicationContext restarted = ApplicationContext.run(properties)) {
                broker.start();
                MqttClient observer = new MqttClient(broker.url(), "observer-" + id, new MemoryPersistence());
                observer.connect();
                try {
                    // (Paho 1.2.5's subscribe(topic, qos, listener) recurses forever; the array form works.)
                    observer.subscribe(new MqttSubscription[] {new MqttSubscription(events.path(), 1)},
                            new IMqttMessageListener[] {
                                (t, m) -> received.add((GatewayEvent) codec.decode(events, m.getPayload()))});
                    // Published before the observer subscribed, it was refused (no subscriber) and is sent again.
                    await().atMost(Duration.ofSeconds(20)).until(() -> !received.isEmpty());
                    EventOutbox outbox = restarted.getBean(EventOutbox.class);
                    await().atMost(Duration.ofSeconds(5)).until(() -> outbox.oldest(10).isEmpty());
                } finally {
                    observer.disconnect();
                    observer.close();
                }
            }
            assertThat(received).first().satisfies(e -> {
                assertThat(e.type()).isEqualTo("device-battery");
                assertThat(e.gatewayId()).isEqualTo(id);
                assertThat(e.at()).isEqualTo(measuredAt);
                assertThat(e.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of("device", "sn.CUFF-1",
                        "level", "18"));
            });
            assertThat(received).as("the same event each time it arrives").allMatch(e -> e.equals(received.get(0)));
        }
    }
}
