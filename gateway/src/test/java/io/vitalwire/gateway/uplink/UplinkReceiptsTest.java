package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uplink against a Mosquitto of the test's own, with the cloud's side played by hand: a reading the broker
 * acknowledged stays in the buffer, awaiting its receipt, is sent again under a new batch id when the receipt is
 * overdue, ignores a receipt that breaks the contract, and is acknowledged only once a receipt names its batch. With
 * receipts off, the PUBACK is enough, as before contract 1.1.
 */
class UplinkReceiptsTest {

    private static final String TENANT = "test";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ContractCodec codec = new ContractCodec();
    private final String id = "gw-receipts-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ReadingBatch> arrived = new CopyOnWriteArrayList<>();
    private MosquittoBroker broker;
    private MqttClient cloud;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoBroker.plain(java.nio.file.Files.createDirectories(dir.resolve("broker")));
        cloud = new MqttClient(broker.url(), "cloud-" + id, new MemoryPersistence());
        cloud.connect();
        cloud.subscribe(new MqttSubscription[] {new MqttSubscription(GatewayMessages.readingsTopic(TENANT, id), 1)},
                new IMqttMessageListener[] {(topic, message) -> arrived.add((ReadingBatch) codec.decode(
                        Topic.parse(topic), message.getPayload()))});
    }

    @AfterEach
    void stop() throws Exception {
        cloud.disconnect();
        cloud.close();
        broker.close();
    }

    @Test
    void aPubackedReading_isKeptAndSentAgain_untilAReceiptNamesItsBatch() throws Exception {
        try (ApplicationContext gateway = ApplicationContext.run(gateway(Map.of(
                "vitalwire.gateway.uplink.receipt-timeout", "2s")))) {
            ReadingBuffer buffer = gateway.getBean(ReadingBuffer.class);
            Reading reading = reading();
            buffer.append(Lane.ROUTINE, List.of(reading));

            await().atMost(WAIT).until(() -> buffer.stats().awaitingReceipt() == 1 && !arrived.isEmpty());
            BufferStats published = buffer.stats();
            assertThat(published.unsent()).as("acknowledged by the broker, still the gateway's to keep").isEqualTo(1);
            assertThat(published.acknowledged()).isZero();
            assertThat(published.oldestUnsentAge()).isPresent();

            // A receipt that breaks the contract (it has no "at") is no receipt.
            cloud.publish(receipts(), ("{\"v\":\"1.1\",\"gatewayId\":\"" + id + "\",\"batches\":[\""
                    + arrived.get(0).batchId() + "\"]}").getBytes(StandardCharsets.UTF_8), 1, false);
            // No receipt within the timeout: the same reading again, under another batch id.
            await().atMost(WAIT).until(() -> arrived.size() >= 2);
            assertThat(arrived).extracting(b -> b.readings().get(0).key()).containsOnly(reading.key());
            assertThat(arrived).extracting(ReadingBatch::batchId).doesNotHaveDuplicates();
            assertThat(buffer.stats().acknowledged()).isZero();

            // The receipt names every batch seen so far, so whichever is awaited now is settled.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                cloud.publish(receipts(), codec.encode(Receipt.of(id, Instant.now(),
                        arrived.stream().map(ReadingBatch::batchId).toList())), 1, false);
                return buffer.stats().acknowledged() == 1;
            });
            BufferStats receipted = buffer.stats();
            assertThat(receipted.unsent()).isZero();
            assertThat(receipted.awaitingReceipt()).isZero();
            int sent = arrived.size();
            Thread.sleep(3_000);
            assertThat(arrived).as("nothing sent again once receipted").hasSize(sent);
        }
    }

    @Test
    void withReceiptsOff_thePubackIsEnough() throws Exception {
        try (ApplicationContext gateway = ApplicationContext.run(gateway(Map.of(
                "vitalwire.gateway.uplink.receipts-required", "false")))) {
            ReadingBuffer buffer = gateway.getBean(ReadingBuffer.class);
            buffer.append(Lane.ROUTINE, List.of(reading()));

            await().atMost(WAIT).until(() -> buffer.stats().acknowledged() == 1);
            assertThat(buffer.stats().unsent()).isZero();
        }
    }

    private Reading reading() {
        DeviceIdentity strap = GatewayReadings.device("HR-" + id);
        return GatewayReadings.heartRate(id, strap, Instant.now().truncatedTo(ChronoUnit.SECONDS), "72");
    }

    private String receipts() {
        return GatewayMessages.receiptsTopic(TENANT, id);
    }

    private Map<String, Object> gateway(Map<String, String> more) {
        Map<String, Object> p = new HashMap<>(Map.of(
                "vitalwire.gateway.id", id,
                "vitalwire.gateway.tenant", TENANT,
                "vitalwire.gateway.data-dir", dir.resolve("gateway").toString(),
                "vitalwire.gateway.coap.enabled", "false",
                "vitalwire.gateway.uplink.broker-url", broker.url()));
        p.putAll(more);
        return p;
    }
}
