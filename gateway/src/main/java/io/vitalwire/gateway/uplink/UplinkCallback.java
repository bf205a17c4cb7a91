package io.vitalwire.gateway.uplink;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * What the uplink's MQTT client reports on its own thread: a dropped connection wakes the uplink at once (an idle
 * gateway starts reconnecting rather than at its next heartbeat or reading), receipts go to the
 * {@link ReceiptListener} and the configuration from the cloud to the {@link ConfigListener}: the two things the
 * gateway subscribes to.
 */
final class UplinkCallback implements MqttCallback {

    private final Runnable wake;
    private final ReceiptListener receipts;
    private final ConfigListener config;

    UplinkCallback(Runnable wake, ReceiptListener receipts, ConfigListener config) {
        this.wake = wake;
        this.receipts = receipts;
        this.config = config;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        wake.run();
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        wake.run();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        if (config.accepts(topic)) {
            config.arrived(message.getPayload());
        } else {
            receipts.arrived(topic, message.getPayload());
        }
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // Each publish has its own listener.
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        // The uplink's loop connects and knows when it has.
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // No enhanced authentication.
    }
}
