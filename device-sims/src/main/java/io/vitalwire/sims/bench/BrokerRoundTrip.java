package io.vitalwire.sims.bench;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The baseline of the alert latency benchmark: the broker round trip alone — publish at QoS 1 by a bare client,
 * arrival at a subscriber of the same broker — for the very messages the alerting gateway's uplink published (a
 * subscriber of the gateway's readings topic keeps a copy of each). The copies go to a topic of their own, which no
 * cloud-ingest subscribes to.
 */
final class BrokerRoundTrip implements AutoCloseable {

    private final String topic;
    private final MqttAsyncClient capture;
    private final MqttAsyncClient publisher;
    private final MqttAsyncClient subscriber;
    private final List<byte[]> captured = new ArrayList<>();
    private final BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();

    BrokerRoundTrip(String brokerUrl, String run, String gatewayId, String tenant) throws MqttException {
        this.topic = "bench/alert-latency/" + run + "/round-trip";
        capture = BenchMqtt.subscribe(brokerUrl, "bench-capture-" + run,
                Topic.of(tenant, gatewayId, Channel.READINGS).path(), (t, m) -> {
                    synchronized (captured) {
                        captured.add(m.getPayload());
                    }
                });
        subscriber = BenchMqtt.subscribe(brokerUrl, "bench-round-trip-sub-" + run, topic,
                (t, m) -> arrivals.put(System.nanoTime()));
        publisher = BenchMqtt.connect(brokerUrl, "bench-round-trip-pub-" + run, (t, m) -> { });
    }

    /** The gateway's messages captured since the last call. */
    List<byte[]> takeCaptured() {
        synchronized (captured) {
            List<byte[]> taken = List.copyOf(captured);
            captured.clear();
            return taken;
        }
    }

    /**
     * Each message published in turn, one every {@code everyMillis} (the pace the alerting home sent them at), each
     * timed from the publish call to its arrival at the subscriber.
     *
     * @return the round trips in milliseconds
     */
    List<Double> roundTrips(List<byte[]> messages, long everyMillis) throws Exception {
        List<Double> millis = new ArrayList<>();
        arrivals.clear();
        long next = System.nanoTime();
        for (byte[] message : messages) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            next += TimeUnit.MILLISECONDS.toNanos(everyMillis);
            long start = System.nanoTime();
            publisher.publish(topic, message, 1, false);
            Long arrived = arrivals.poll(30, TimeUnit.SECONDS);
            if (arrived == null) {
                throw new IllegalStateException("a round-trip message did not arrive in 30 s");
            }
            millis.add((arrived - start) / 1e6);
        }
        return millis;
    }

    @Override
    public void close() throws MqttException {
        for (MqttAsyncClient client : List.of(capture, publisher, subscriber)) {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }
}
