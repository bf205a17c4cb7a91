package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.testing.Rounds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * Uplink throughput: readings/s from the gateway's durable buffer to a subscriber through a real Mosquitto at QoS 1,
 * beside two baselines with the same Paho client in the same run:
 * <ul>
 *   <li><b>one per message</b> — each reading its own QoS 1 message, as many in flight as the broker's Receive
 *       Maximum allows: what an uplink without packing can do;</li>
 *   <li><b>bare packed</b> — the same readings pre-encoded into batches of the uplink's size and published by a bare
 *       client with the same window: the broker's floor for packed messages, without the buffer's claim and
 *       acknowledge transactions.</li>
 * </ul>
 * Each run counts every reading key at the subscriber; a loss fails the benchmark. A warm-up round of each path,
 * then {@link #ROUNDS} rounds whose order rotates ({@link Rounds}): measured cold and first, as it was before, the
 * gateway ran while the JIT still compiled the client library the baselines then found compiled.
 *
 * <p>Usage: {@code deploy/dev/bench.sh uplink [readings]} (default 200000; broker from {@code VW_MQTT_URL}).
 */
public final class UplinkBenchmark {

    private static final String TENANT = "default";
    private static final int ROUNDS = 3;
    static final int BATCH = 500;

    private UplinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String broker = BenchGateway.brokerUrl();
        List<Reading> readings = new BenchReadings("UPLINK").range(0, total);

        // A whole round of each path first (JIT, the broker's first sessions), not counted.
        throughGateway(broker, readings);
        barePublisher(broker, "gw-bench-packed", readings, BATCH);
        barePublisher(broker, "gw-bench-single", readings, 1);
        Rounds rounds = Rounds.run(ROUNDS, "%,10.0f readings/s", List.of(
                new Rounds.Named("gateway uplink (buffer → broker)", round -> throughGateway(broker, readings)),
                new Rounds.Named("bare client, packed", round ->
                        barePublisher(broker, "gw-bench-packed", readings, BATCH)),
                new Rounds.Named("bare client, one per message", round ->
                        barePublisher(broker, "gw-bench-single", readings, 1))));

        System.out.printf("%nUplink to Mosquitto at QoS 1, %,d readings (batches of %d), counted at a subscriber, "
                + "medians of %d rounds after one of warm-up%n", total, BATCH, ROUNDS);
        rounds.printRates();
        rounds.printRatio("gateway / packed", 0, 1);
        rounds.printRatio("gateway / single", 0, 2);
    }

    /** Fills a buffer file, then starts the gateway on it and times the drain at the subscriber. */
    static double throughGateway(String broker, List<Reading> readings) throws Exception {
        String gatewayId = "gw-bench-uplink";
        Path dir = Files.createTempDirectory("vw-bench-uplink-");
        try (ReadingBuffer buffer = BenchBuffers.open(dir.resolve("buffer.db"))) {
            for (int i = 0; i < readings.size(); i += 1_000) {
                BenchBuffers.appendLive(buffer, readings.subList(i, Math.min(readings.size(), i + 1_000)));
            }
        }
        try (ArrivalRecorder recorder = new ArrivalRecorder(broker, TENANT, gatewayId);
             ApplicationContext gateway = BenchGateway.start(gatewayId, dir, broker,
                     Map.of("vitalwire.gateway.coap.enabled", false,
                             "vitalwire.gateway.uplink.session-expiry", "0s"))) {
            return rate(recorder, readings);
        }
    }

    /** The same client library without the gateway: readings pre-encoded, {@code perMessage} to a message. */
    static double barePublisher(String broker, String gatewayId, List<Reading> readings, int perMessage)
            throws Exception {
        ContractCodec codec = new ContractCodec();
        String topic = Topic.of(TENANT, gatewayId, Channel.READINGS).path();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < readings.size(); i += perMessage) {
            payloads.add(codec.encode(ReadingBatch.of(gatewayId, Instant.now(),
                    readings.subList(i, Math.min(readings.size(), i + perMessage)))));
        }
        try (ArrivalRecorder recorder = new ArrivalRecorder(broker, TENANT, gatewayId)) {
            MqttAsyncClient client = new MqttAsyncClient(broker, gatewayId + "-" + System.nanoTime(),
                    new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            IMqttToken connected = client.connect(options);
            connected.waitForCompletion(10_000);
            Integer receiveMaximum = connected.getResponseProperties() == null ? null
                    : connected.getResponseProperties().getReceiveMaximum();
            Semaphore window = new Semaphore(receiveMaximum == null ? 65_535 : receiveMaximum);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            MqttActionListener release = new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable error) {
                    failure.set(error);
                    window.release();
                }
            };
            for (int i = 0; i < payloads.size() && failure.get() == null; i++) {
                byte[] payload = payloads.get(i);
                window.acquire();
                client.publish(topic, payload, 1, false, null, release);
            }
            if (failure.get() != null) {
                throw new IllegalStateException("baseline publish failed", failure.get());
            }
            double rate = rate(recorder, readings);
            client.disconnect().waitForCompletion(5_000);
            client.close();
            return rate;
        }
    }

    /** Readings/s between the first and the last arrival; fails on any loss. */
    private static double rate(ArrivalRecorder recorder, List<Reading> readings) throws InterruptedException {
        if (!recorder.awaitDistinct(readings.size(), 10, TimeUnit.MINUTES)) {
            throw new IllegalStateException(recorder.distinct() + " of " + readings.size() + " readings arrived");
        }
        long first = readings.stream().mapToLong(r -> recorder.arrivalNanos(r.key())).min().orElseThrow();
        return readings.size() / ((recorder.lastArrivalNanos() - first) / 1e9);
    }
}
