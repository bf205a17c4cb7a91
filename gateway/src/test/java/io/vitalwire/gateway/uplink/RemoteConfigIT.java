package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.remote.RemoteConfig;
import io.vitalwire.mqtt.tls.ClientTls;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway and its configuration from the cloud (contract 1.2) through the broker as operators deploy it
 * (deploy/broker: mutual TLS, the rendered ACL): cloud-ingest's identity publishes the retained configuration, the
 * gateway applies it on connecting, keeps it on disk, reports its version (at the interval it sets), refuses an
 * invalid one with a config-refused event and keeps the last good one, which it still has after a restart when the
 * broker has lost its retained copy.
 */
class RemoteConfigIT {

    private static final String GATEWAY = "gw-remote-config";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant ISSUED = Instant.parse("2026-12-03T14:00:00Z");

    @TempDir
    Path dir;

    private final ContractCodec codec = new ContractCodec();
    private final List<GatewayStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    private TestPki pki;
    private MosquittoBroker broker;
    private MqttClient cloud;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.issue(dir.resolve("pki"), GATEWAY, TestPki.INGEST);
        broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
        cloud = new MqttClient(broker.url(), "cloud-ingest-test", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(ClientTls.forBroker(broker.url(), Optional.of(pki.ca()),
                Optional.of(pki.cert(TestPki.INGEST)), Optional.of(pki.key(TestPki.INGEST))).orElseThrow()
                .socketFactory());
        cloud.connect(options);
        cloud.subscribe(new MqttSubscription[] {new MqttSubscription(topic(Channel.STATUS), 1),
            new MqttSubscription(topic(Channel.EVENTS), 1)}, new IMqttMessageListener[] {
                (t, m) -> statuses.add((GatewayStatus) codec.decode(Topic.parse(t), m.getPayload())),
                (t, m) -> events.add((GatewayEvent) codec.decode(Topic.parse(t), m.getPayload()))});
    }

    @AfterEach
    void stop() throws Exception {
        cloud.disconnect();
        cloud.close();
        broker.close();
    }

    @Test
    void aRetainedConfiguration_isApplied_persisted_reported_andAnInvalidOneRefused() throws Exception {
        // Issued while the gateway was away: retained, it is there when the gateway connects.
        publishConfig(codec.encode(config(2, 5)));

        try (ApplicationContext gateway = ApplicationContext.run(gateway())) {
            await().atMost(WAIT).until(() -> statuses.stream().anyMatch(s -> Long.valueOf(2).equals(
                    s.configVersion())));
            assertThat(codec.decode(Files.readAllBytes(dataDir().resolve(RemoteConfig.FILE)), GatewayConfig.class))
                    .isEqualTo(config(2, 5));
            // The cloud's 5 s interval, not the local 60 s: two more heartbeats come within seconds.
            int seen = statuses.size();
            await().atMost(Duration.ofSeconds(15)).until(() -> statuses.size() >= seen + 2);

            // A passkey of seven digits breaks the contract: refused, reported, the last good one stays.
            String bad = new String(codec.encode(config(3, 5)), StandardCharsets.UTF_8).replace(
                    "\"C0:1D:00:00:00:02\"", "\"C0:1D:00:00:00:02 passkey=1234567\"");
            publishConfig(bad.getBytes(StandardCharsets.UTF_8));
            await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.type().equals(
                    GatewayEvent.CONFIG_REFUSED)));
            assertThat(events).filteredOn(e -> e.type().equals(GatewayEvent.CONFIG_REFUSED)).singleElement()
                    .satisfies(e -> assertThat(e.attributes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                            "reason", RemoteConfig.INVALID_CONFIG, "version", "3")));
            assertThat(gateway.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                    .counter("vitalwire.gateway.config.refused", "reason", RemoteConfig.INVALID_CONFIG).count())
                    .isEqualTo(1.0);
            // An older version, replayed: ignored, not refused.
            publishConfig(codec.encode(config(1, 5)));
            int before = statuses.size();
            await().atMost(WAIT).until(() -> statuses.size() >= before + 2);
            assertThat(statuses.get(statuses.size() - 1).configVersion()).isEqualTo(2L);
            assertThat(gateway.getBean(RemoteConfig.class).appliedVersion()).isEqualTo(2L);
            assertThat(events).filteredOn(e -> e.type().equals(GatewayEvent.CONFIG_REFUSED)).hasSize(1);
        }

        // The broker loses its retained configuration; the gateway restarts on the last good one from its disk.
        cloud.publish(topic(Channel.CONFIG), new byte[0], 1, true);
        statuses.clear();
        try (ApplicationContext restarted = ApplicationContext.run(gateway())) {
            await().atMost(WAIT).until(() -> !statuses.isEmpty());
            assertThat(statuses.get(0).configVersion()).isEqualTo(2L);
        }
    }

    private void publishConfig(byte[] payload) throws Exception {
        cloud.publish(topic(Channel.CONFIG), payload, 1, true);
    }

    private static GatewayConfig config(long version, int statusSeconds) {
        return GatewayConfig.of(GATEWAY, version, ISSUED, new GatewayConfig.Devices(
                List.of("C0:1D:00:00:00:02"), List.of("sn.THERMO-1")), null, null,
                new GatewayConfig.Reporting(statusSeconds));
    }

    private static String topic(Channel channel) {
        return Topic.of(TestPki.TENANT, GATEWAY, channel).path();
    }

    private Path dataDir() {
        return dir.resolve("gateway");
    }

    private Map<String, Object> gateway() {
        Map<String, Object> p = new HashMap<>();
        p.put("vitalwire.gateway.id", GATEWAY);
        p.put("vitalwire.gateway.tenant", TestPki.TENANT);
        p.put("vitalwire.gateway.data-dir", dataDir().toString());
        p.put("vitalwire.gateway.coap.enabled", "false");
        p.put("vitalwire.gateway.uplink.broker-url", broker.url());
        p.put("vitalwire.gateway.uplink.heartbeat-interval", "60s");
        p.put("vitalwire.gateway.uplink.ca-file", pki.ca().toString());
        p.put("vitalwire.gateway.uplink.cert-file", pki.cert(GATEWAY).toString());
        p.put("vitalwire.gateway.uplink.key-file", pki.key(GATEWAY).toString());
        return p;
    }
}
