package io.vitalwire.sims.bench;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The cloud side of an uplink benchmark: subscribes to one gateway's readings at QoS 1 and records when each
 * reading key first arrived, counting repeats, so a benchmark can check that nothing was lost or doubled and measure
 * latencies against its own send times. Like cloud-ingest, it answers each batch with a receipt (at once, at QoS 0:
 * the gateway's side of the protocol is measured, not the cloud's commit), without which the gateway would keep and
 * resend everything.
 */
final class ArrivalRecorder implements AutoCloseable {

    private final ContractCodec codec = new ContractCodec();
    private final MqttAsyncClient client;
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private volatile long lastArrivalNanos;

    ArrivalRecorder(String brokerUrl, String tenant, String gatewayId) throws MqttException {
        client = BenchMqtt.subscribe(brokerUrl, "bench-recorder-" + gatewayId,
                Topic.of(tenant, gatewayId, Channel.READINGS).path(), (topic, message) -> {
                    long now = System.nanoTime();
                    messages.incrementAndGet();
                    ReadingBatch batch = codec.decodeReadings(message.getPayload());
                    for (Reading reading : batch.readings()) {
                        if (firstArrival.putIfAbsent(reading.key(), now) != null) {
                            repeats.incrementAndGet();
                        }
                    }
                    lastArrivalNanos = now;
                    receipt(tenant, batch);
                });
    }

    private void receipt(String tenant, ReadingBatch batch) throws MqttException {
        if (batch.batchId() != null) {
            client.publish(Topic.of(tenant, batch.gatewayId(), Channel.RECEIPTS).path(), codec.encode(
                    Receipt.of(batch.gatewayId(), Instant.now(), List.of(batch.batchId()))), 0, false);
        }
    }

    int distinct() {
        return firstArrival.size();
    }

    long repeats() {
        return repeats.get();
    }

    long messages() {
        return messages.get();
    }

    long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    /** {@link System#nanoTime()} when the key first arrived, or null. */
    Long arrivalNanos(String key) {
        return firstArrival.get(key);
    }

    /** Waits until {@code expected} distinct readings arrived; false on timeout. */
    boolean awaitDistinct(int expected, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (distinct() < expected) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
