package io.vitalwire.gateway.uplink;

import java.time.Duration;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * One message published at QoS 1 (not retained) and waited for: what the reporters of durable things (gaps, device
 * events) do before they may forget one. Readings batches do not wait like this: they are settled by the window.
 */
final class AcknowledgedPublish {

    private AcknowledgedPublish() {
    }

    /**
     * @return why the broker did not take it ({@link BrokerRefusal}), or empty once it did
     * @throws MqttException no PUBACK within {@code ackTimeout}, or the connection failed: the uplink reconnects
     */
    static Optional<MqttException> publish(MqttAsyncClient client, String topic, byte[] payload,
                                           Duration ackTimeout) throws MqttException {
        IMqttToken token = client.publish(topic, payload, 1, false);
        token.waitForCompletion(ackTimeout.toMillis());
        return BrokerRefusal.of(token);
    }
}
