package io.vitalwire.gateway.uplink;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Wakes the uplink the moment its connection drops, so that an idle gateway starts reconnecting at once rather than
 * at its next heartbeat or reading.
 */
final class WakeOnDisconnect implements MqttCallback {

    private final Runnable wake;

    WakeOnDisconnect(Runnable wake) {
        this.wake = wake;
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
        // The gateway subscribes to nothing.
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
