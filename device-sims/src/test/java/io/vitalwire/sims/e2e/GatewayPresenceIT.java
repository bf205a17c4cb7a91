package io.vitalwire.sims.e2e;

import io.vitalwire.sims.process.ServiceProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.contract.Topic;
import io.vitalwire.testing.StackSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * A gateway's presence as the cloud sees it on the real broker: the retained "online" birth message, heartbeats with
 * the buffer's depth, and the broker publishing the "offline" last will when the gateway process is killed.
 */
class GatewayPresenceIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private final ContractCodec codec = new ContractCodec();

    @Test
    void birthHeartbeatAndLastWill_reachASubscriber() throws Exception {
        String gatewayId = "gw-presence-" + UUID.randomUUID().toString().substring(0, 8);
        Topic state = Topic.of("e2e", gatewayId, Channel.STATE);
        Topic status = Topic.of("e2e", gatewayId, Channel.STATUS);
        List<GatewayState> states = new CopyOnWriteArrayList<>();
        List<GatewayStatus> heartbeats = new CopyOnWriteArrayList<>();

        ServiceProcess gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"),
                Map.of("vitalwire.gateway.id", gatewayId,
                        "vitalwire.gateway.tenant", "e2e",
                        "vitalwire.gateway.data-dir", Files.createTempDirectory("vw-presence-").toString(),
                        "vitalwire.gateway.coap.port", "0",
                        "vitalwire.gateway.uplink.heartbeat-interval", "1s",
                        "vitalwire.gateway.uplink.broker-url", STACK.mqttUrl()));
        MqttClient observer = new MqttClient(STACK.mqttUrl(), "observer-" + gatewayId, new MemoryPersistence());
        try {
            gateway.awaitHealth(200, Duration.ofSeconds(60));
            observer.connect();
            // Subscribing after the birth proves it was retained.
            // (Paho 1.2.5's subscribe(topic, qos, listener) recurses forever; the array form works.)
            observer.subscribe(new MqttSubscription[] {new MqttSubscription(state.path(), 1),
                new MqttSubscription(status.path(), 1)}, new IMqttMessageListener[] {
                    (t, m) -> states.add((GatewayState) codec.decode(state, m.getPayload())),
                    (t, m) -> heartbeats.add((GatewayStatus) codec.decode(status, m.getPayload()))});

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(states).extracting(GatewayState::state).containsExactly(Presence.ONLINE);
                assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(2);
            });
            assertThat(heartbeats.get(0).queueDepth()).isZero();
            assertThat(heartbeats.get(0).uplink()).isEqualTo("connected");
            // The inputs report themselves: CoAP is on by default, BLE off.
            assertThat(heartbeats.get(0).adapters()).containsEntry("coap", "listening")
                    .containsEntry("ble", "disabled");

            gateway.kill();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(states).extracting(GatewayState::state)
                            .containsExactly(Presence.ONLINE, Presence.OFFLINE));
        } finally {
            gateway.kill();
            if (observer.isConnected()) {
                // Leave no retained message of a test gateway behind (an empty retained message clears it).
                observer.unsubscribe(new String[] {state.path(), status.path()});
                observer.publish(state.path(), new byte[0], 1, true);
                observer.disconnect();
            }
            observer.close();
        }
    }
}
