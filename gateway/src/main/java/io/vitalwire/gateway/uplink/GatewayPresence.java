package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.Presence;
import io.vitalwire.gateway.identity.SoftwareVersion;
import java.time.Clock;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The gateway's presence on its {@code state} topic, retained at QoS 1 so that a subscriber that comes later still
 * learns it: online once connected (the birth message), offline from a clean shutdown, and offline as the last will
 * that the broker publishes for a gateway that vanished (power cut, {@code kill -9}, lost network).
 */
final class GatewayPresence {

    private final UplinkTopics topics;
    private final ContractCodec codec;
    private final Clock clock;

    GatewayPresence(UplinkTopics topics, ContractCodec codec, Clock clock) {
        this.topics = topics;
        this.codec = codec;
        this.clock = clock;
    }

    /** Makes "offline, as of this connection attempt" the connection's last will. */
    void setWill(MqttConnectionOptions options) {
        options.setWill(topics.path(Channel.STATE), new MqttMessage(encode(Presence.OFFLINE), 1, true, null));
    }

    /** Publishes the presence; the caller decides how long to wait for the returned token's PUBACK. */
    IMqttToken announce(MqttAsyncClient client, Presence presence) throws MqttException {
        return client.publish(topics.path(Channel.STATE), encode(presence), 1, true);
    }

    private byte[] encode(Presence presence) {
        return codec.encode(new GatewayState(ContractVersion.CURRENT, topics.gatewayId(), presence, clock.instant(),
                SoftwareVersion.current()));
    }

}
