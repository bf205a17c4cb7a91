package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.contract.Topic;
import io.vitalwire.testing.StackSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The uplink's presence and heartbeat as a subscriber sees them on the dev stack's plain Mosquitto
 * ({@code VW_MQTT_URL}, {@code deploy/dev/stack.sh start}): online when connected, heartbeats that say so, and
 * offline from a clean shutdown (the last will after a crash is {@code device-sims}' GatewayPresenceIT).
 */
class UplinkPresenceTest {

    private static final String BROKER = StackSettings.fromEnvironment().mqttUrl();

    @TempDir
    Path dir;

    @Test
    void startThenClose_onlineHeartbeatsConnectedThenOffline() throws Exception {
        assumeTrue(reachable(BROKER), "no broker at " + BROKER + ": deploy/dev/stack.sh start");
        String id = "gw-uplink-" + UUID.randomUUID().toString().substring(0, 8);
        Topic state = Topic.of("test", id, Channel.STATE);
        Topic status = Topic.of("test", id, Channel.STATUS);
        ContractCodec codec = new ContractCodec();
        List<Presence> presences = new CopyOnWriteArrayList<>();
        List<GatewayStatus> heartbeats = new CopyOnWriteArrayList<>();
        MqttClient observer = new MqttClient(BROKER, "observer-" + id, new MemoryPersistence());
        observer.connect();
        try {
            // (Paho 1.2.5's subscribe(topic, qos, listener) recurses forever; the array form works.)
            observer.subscribe(new MqttSubscription[] {new MqttSubscription(state.path(), 1),
                new MqttSubscription(status.path(), 1)}, new IMqttMessageListener[] {
                    (t, m) -> presences.add(((GatewayState) codec.decode(state, m.getPayload())).state()),
                    (t, m) -> heartbeats.add((GatewayStatus) codec.decode(status, m.getPayload()))});

            try (ApplicationContext gateway = ApplicationContext.run(Map.of(
                    "vitalwire.gateway.id", id,
                    "vitalwire.gateway.tenant", "test",
                    "vitalwire.gateway.data-dir", dir.toString(),
                    "vitalwire.gateway.coap.enabled", "false",
                    "vitalwire.gateway.uplink.broker-url", BROKER))) {
                MqttUplink uplink = gateway.getBean(MqttUplink.class);

                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(uplink.state()).isEqualTo(UplinkState.CONNECTED);
                    assertThat(presences).containsExactly(Presence.ONLINE);
                    assertThat(heartbeats).isNotEmpty();
                });
                assertThat(heartbeats.get(0).uplink()).isEqualTo("connected");
                assertThat(heartbeats.get(0).adapters()).containsEntry("coap", "disabled");

                gateway.stop();
                assertThat(uplink.state()).isEqualTo(UplinkState.STOPPED);
            }

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(presences).containsExactly(Presence.ONLINE, Presence.OFFLINE));
        } finally {
            // Leave no retained message of a test gateway behind (an empty retained message clears it).
            observer.unsubscribe(new String[] {state.path(), status.path()});
            observer.publish(state.path(), new byte[0], 1, true);
            observer.disconnect();
            observer.close();
        }
    }

    private static boolean reachable(String url) {
        URI uri = URI.create(url);
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
