package io.vitalwire.sims.ble;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Topic;
import io.vitalwire.testing.StackSettings;
import java.util.Arrays;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * What the BLE integration tests watch of a running gateway: its readings and events on the broker, its Prometheus
 * counters.
 */
final class GatewayObservers {

    private static final ContractCodec CODEC = new ContractCodec();

    private GatewayObservers() {
    }

    /** Subscribes to the gateway's readings topic (tenant "e2e") and adds every reading that arrives to {@code sink}. */
    static MqttClient readings(StackSettings stack, String gatewayId, List<Reading> sink) throws MqttException {
        return readingsAndEvents(stack, gatewayId, sink, new java.util.ArrayList<>());
    }

    /** Also adds every event on the gateway's events topic (device connections, battery levels) to {@code events}. */
    static MqttClient readingsAndEvents(StackSettings stack, String gatewayId, List<Reading> sink,
                                        List<GatewayEvent> events) throws MqttException {
        Topic readings = Topic.of("e2e", gatewayId, Channel.READINGS);
        Topic eventTopic = Topic.of("e2e", gatewayId, Channel.EVENTS);
        MqttClient observer = new MqttClient(stack.mqttUrl(), "observer-" + gatewayId, new MemoryPersistence());
        observer.connect();
        // (Paho 1.2.5's subscribe(topic, qos, listener) recurses forever; the array form works.)
        observer.subscribe(new MqttSubscription[] {new MqttSubscription(readings.path(), 1),
            new MqttSubscription(eventTopic.path(), 1)}, new IMqttMessageListener[] {
                (t, m) -> sink.addAll(CODEC.decodeReadings(m.getPayload()).readings()),
                (t, m) -> events.add((GatewayEvent) CODEC.decode(eventTopic, m.getPayload()))});
        return observer;
    }

    /** The sum of a counter's samples whose labels contain every given fragment, e.g. {@code reason="malformed"}. */
    static long counter(String prometheus, String metric, String... labelFragments) {
        return prometheus.lines()
                .filter(l -> l.startsWith(metric + "{") && Arrays.stream(labelFragments).allMatch(l::contains))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }
}
