package io.vitalwire.sims.bench;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** The bare Paho clients of the benchmarks: clean start, in-memory state, one handler for what arrives. */
final class BenchMqtt {

    /** What a benchmark's client does with a message. */
    @FunctionalInterface
    interface Arrival {
        void arrived(String topic, MqttMessage message) throws Exception;
    }

    private BenchMqtt() {
    }

    /** Connected, nothing subscribed yet. */
    static MqttAsyncClient connect(String brokerUrl, String clientId, Arrival arrival) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                arrival.arrived(topic, message);
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    /** Connected and subscribed to {@code topicFilter} at QoS 1. */
    static MqttAsyncClient subscribe(String brokerUrl, String clientId, String topicFilter, Arrival arrival)
            throws MqttException {
        MqttAsyncClient client = connect(brokerUrl, clientId, arrival);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topicFilter, 1)}).waitForCompletion(10_000);
        return client;
    }
}
