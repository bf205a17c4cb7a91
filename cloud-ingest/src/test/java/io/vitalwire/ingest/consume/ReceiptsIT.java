package io.vitalwire.ingest.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-ingest's receipts, through a Mosquitto of the test's own: a gateway's batch is named in a receipt on that
 * gateway's receipts topic only once its readings are durable — in the inbox, or in the quarantine — and never before,
 * never to another gateway; a batch without a batch id (a contract 1.0 gateway) and a payload that breaks the contract
 * get none. The inbox workers are off, so the inbox shows exactly what the consumer took.
 */
class ReceiptsIT {

    private static final String TENANT = "test";
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final TestStack stack = new TestStack();
    private final ContractCodec codec = new ContractCodec();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String gateway = "gw-receipts-" + run;
    private final String neighbour = "gw-neighbour-" + run;
    private final DeviceIdentity strap = GatewayReadings.device("STRAP-" + run);
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** Each receipt's batch ids, by the topic it came on, with what the inbox held when it came. */
    private final List<Arrived> receipts = new CopyOnWriteArrayList<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private MosquittoBroker broker;
    private MqttAsyncClient publisher;
    private ApplicationContext ingest;

    private record Arrived(String topic, List<String> batches, List<String> inboxThen) {
    }

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.plain(dir);
        publisher = new MqttAsyncClient(broker.url(), "publisher-" + run, new MemoryPersistence());
        publisher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        // As the gateways do: each subscribes to its own receipts; one client here listens for both. (Paho's
        // single-listener forms fail with several subscriptions; the array form works.)
        IMqttMessageListener listener = (topic, message) -> {
            try {
                Receipt receipt = (Receipt) codec.decode(Topic.parse(topic), message.getPayload());
                receipts.add(new Arrived(topic, receipt.batches(), inboxKeys()));
            } catch (Exception e) {
                refused.add(topic + ": " + e);
            }
        };
        publisher.subscribe(new MqttSubscription[] {
            new MqttSubscription(GatewayMessages.receiptsTopic(TENANT, gateway), 1),
            new MqttSubscription(GatewayMessages.receiptsTopic(TENANT, neighbour), 1)}, null, null,
                new IMqttMessageListener[] {listener, listener}, new MqttProperties()).waitForCompletion(10_000);
        Map<String, String> overrides = new HashMap<>();
        overrides.put("vitalwire.ingest.mqtt.enabled", "true");
        overrides.put("vitalwire.ingest.mqtt.broker-url", broker.url());
        overrides.put("vitalwire.ingest.mqtt.client-id", "ingest-" + run);
        overrides.put("vitalwire.ingest.mqtt.share-group", "receipts-" + run);
        overrides.put("vitalwire.ingest.inbox.workers-enabled", "false");
        ingest = ApplicationContext.run(new HashMap<>(stack.properties(overrides)));
    }

    @AfterEach
    void close() throws Exception {
        ingest.close();
        publisher.disconnect().waitForCompletion(5_000);
        publisher.close();
        broker.close();
        stack.dropSchema();
    }

    @Test
    void aBatch_isReceiptedToItsGateway_onlyOnceItsReadingsAreDurable() throws Exception {
        Reading first = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(30), "71");
        Reading second = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(20), "72");
        Reading implausible = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(10), "900");
        Reading noId = GatewayReadings.heartRate(gateway, strap, now.minusSeconds(5), "73");
        Reading theNeighbours = GatewayReadings.heartRate(neighbour, GatewayReadings.device("HR-N-" + run),
                now.minusSeconds(5), "66");
        awaitConsuming();
        double acksBefore = acksSent();

        publish(gateway, GatewayMessages.readings(gateway, "b-1", List.of(first, second)));
        publish(gateway, GatewayMessages.readings(gateway, "b-2", List.of(implausible)));
        publish(gateway, GatewayMessages.readings(gateway, List.of(noId)));
        publish(gateway, "{\"v\":\"1.1\",\"gatewayId\":\"" + gateway + "\",\"batchId\":\"b-3\"}");
        publish(neighbour, GatewayMessages.readings(neighbour, "b-1", List.of(theNeighbours)));
        await().atMost(ARRIVAL).until(() -> inboxKeys().contains(noId.key()) && acksSent() - acksBefore >= 5);
        await().atMost(ARRIVAL).until(() -> receiptsTo(gateway).size() >= 2 && receiptsTo(neighbour).size() >= 1);
        Thread.sleep(1_000);

        assertThat(refused).isEmpty();
        // b-1 named only once both its readings were in the inbox; b-2 although its one reading was quarantined.
        assertThat(receiptsTo(gateway)).containsExactlyInAnyOrder("b-1", "b-2");
        assertThat(receipts).filteredOn(r -> r.batches().contains("b-1") && r.topic().contains(gateway))
                .allSatisfy(r -> assertThat(r.inboxThen()).contains(first.key(), second.key()));
        assertThat(quarantinedReasons(implausible.key())).containsExactly("IMPLAUSIBLE_VALUE");
        // The neighbour's own b-1 on its own topic: batch ids are per gateway.
        assertThat(receiptsTo(neighbour)).containsExactly("b-1");
        assertThat(count("vitalwire.ingest.receipts", "outcome", "published")).isEqualTo(3);
    }

    /** Publishes probes (asking for no receipt) one at a time until one reaches the inbox: the consumer subscribed. */
    private void awaitConsuming() {
        await().atMost(ARRIVAL).pollInterval(Duration.ZERO).until(() -> {
            Reading probe = GatewayReadings.heartRate(gateway, strap, now.minus(Duration.ofHours(1))
                    .plusMillis(System.nanoTime() % 1_000_000), "70");
            publish(gateway, GatewayMessages.readings(gateway, List.of(probe)));
            Instant giveUp = Instant.now().plusSeconds(2);
            while (Instant.now().isBefore(giveUp)) {
                if (inboxKeys().contains(probe.key())) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        });
        // The probe's PUBACK follows its commit; it must not count among the test's messages.
        await().atMost(ARRIVAL).until(() -> acksSent() >= count("vitalwire.ingest.messages", "outcome", "inboxed"));
    }

    private List<String> receiptsTo(String gatewayId) {
        String topic = GatewayMessages.receiptsTopic(TENANT, gatewayId);
        return receipts.stream().filter(r -> r.topic().equals(topic)).flatMap(r -> r.batches().stream()).toList();
    }

    private void publish(String gatewayId, byte[] payload) throws Exception {
        publisher.publish(GatewayMessages.readingsTopic(TENANT, gatewayId), payload, 1, false)
                .waitForCompletion(10_000);
    }

    private void publish(String gatewayId, String payload) throws Exception {
        publish(gatewayId, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private double acksSent() {
        return count("vitalwire.ingest.acks", "outcome", "sent");
    }

    private double count(String name, String tag, String value) {
        Counter counter = ingest.getBean(MeterRegistry.class).find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<String> inboxKeys() throws SQLException {
        try (Connection c = ingest.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement("SELECT reading_key FROM inbox");
             ResultSet rs = select.executeQuery()) {
            List<String> keys = new ArrayList<>();
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
            return keys;
        }
    }

    private List<String> quarantinedReasons(String readingKey) throws SQLException {
        try (Connection c = ingest.getBean(DataSource.class).getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT reason FROM quarantine WHERE reading_key = ? ORDER BY id")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                List<String> reasons = new ArrayList<>();
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
                return reasons;
            }
        }
    }
}
