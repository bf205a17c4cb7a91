package io.vitalwire.sims.faults;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Topic;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestPki;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;

/**
 * A gateway's uplink reduced to what a test needs to control: it publishes exactly the messages it is given, at QoS 1
 * over mutual TLS with the gateway's certificate, and waits for each PUBACK. So a test can send one reading in
 * several messages, or one message twice, as a gateway does after a lost PUBACK or a crash.
 */
final class GatewayPublisher implements AutoCloseable {

    private static final long TIMEOUT_MILLIS = 15_000;

    private final ContractCodec codec = new ContractCodec();
    private final String gatewayId;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;

    private GatewayPublisher(String gatewayId, MqttAsyncClient client, MqttConnectionOptions options) {
        this.gatewayId = gatewayId;
        this.client = client;
        this.options = options;
    }

    static GatewayPublisher connect(MosquittoBroker broker, TestPki pki, String gatewayId) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), gatewayId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(BrokerTls.as(pki, gatewayId).socketFactory());
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(TIMEOUT_MILLIS);
        return new GatewayPublisher(gatewayId, client, options);
    }

    /** The readings as one message, as the gateway's uplink encodes it. */
    byte[] batch(List<Reading> readings) {
        return GatewayMessages.readings(gatewayId, readings);
    }

    /**
     * Publishes a readings message until the broker takes it, as the gateway's uplink does: a PUBACK of 0x10 (no
     * matching subscribers: cloud-ingest is not subscribed yet) means the broker dropped it.
     */
    void publishReadings(byte[] payload) throws MqttException, InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (publish(Channel.READINGS, payload) == MqttReturnCode.RETURN_CODE_NO_MATCHING_SUBSCRIBERS) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("nobody subscribes to " + gatewayId + "'s readings");
            }
            Thread.sleep(200);
        }
    }

    /** Publishes an event (or state, status) message. @return the PUBACK's reason code */
    int publish(Channel channel, ContractMessage message) throws MqttException {
        return publish(channel, codec.encode(message));
    }

    private int publish(Channel channel, byte[] payload) throws MqttException {
        String topic = Topic.of(FaultGateway.TENANT, gatewayId, channel).path();
        IMqttToken token;
        try {
            token = client.publish(topic, payload, 1, false);
        } catch (MqttException e) {
            if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                throw e;
            }
            // Seen once in CI although every publish is waited for: the client counted its window full. Not pinned
            // down (perhaps the PUBACKs of "no matching subscribers" before cloud-ingest subscribed); a new
            // connection starts with an empty window.
            client.disconnect().waitForCompletion(TIMEOUT_MILLIS);
            client.connect(options).waitForCompletion(TIMEOUT_MILLIS);
            token = client.publish(topic, payload, 1, false);
        }
        token.waitForCompletion(TIMEOUT_MILLIS);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(TIMEOUT_MILLIS);
        }
        client.close();
    }
}
