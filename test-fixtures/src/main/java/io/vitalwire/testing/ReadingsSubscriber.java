package io.vitalwire.testing;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Receipt;
import io.vitalwire.contract.Topic;
import java.time.Instant;
import java.util.List;
import javax.net.SocketFactory;
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

/**
 * cloud-ingest's side of the broker, reduced to counting: connected with a persistent session (over TLS as the
 * socket factory has it, e.g. mutual TLS as {@link TestPki#INGEST}), the shared subscription to every gateway's
 * readings, each reading's key into an {@link ArrivalLedger}, and a receipt to the gateway for each batch counted. It reconnects by itself within a second or two of the
 * broker coming back, and subscribes again on every connect, since a broker that lost its state has forgotten the
 * subscription.
 */
public final class ReadingsSubscriber implements MqttCallback, AutoCloseable {

    private final String group;
    private final ArrivalLedger ledger;
    private final MqttAsyncClient client;
    private final ContractCodec codec = new ContractCodec();

    private ReadingsSubscriber(String brokerUrl, String group, String clientId, ArrivalLedger ledger)
            throws MqttException {
        this.group = group;
        this.ledger = ledger;
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setCallback(this);
    }

    /**
     * Connects as client {@code <group>-ingest} and subscribes to {@code $share/<group>/vitalwire/+/+/+/readings}.
     *
     * @param tls e.g. mqtt's {@code ClientTls.socketFactory()}
     */
    public static ReadingsSubscriber connect(String brokerUrl, SocketFactory tls, String group, ArrivalLedger ledger)
            throws MqttException {
        return connect(brokerUrl, tls, group, group + "-ingest", ledger);
    }

    /**
     * As {@link #connect(String, SocketFactory, String, ArrivalLedger)}, as client {@code clientId}: one of several
     * replicas sharing the group's messages, each with a session of its own on the broker.
     */
    public static ReadingsSubscriber connect(String brokerUrl, SocketFactory tls, String group, String clientId,
                                             ArrivalLedger ledger) throws MqttException {
        ReadingsSubscriber subscriber = new ReadingsSubscriber(brokerUrl, group, clientId, ledger);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        subscriber.client.connect(options).waitForCompletion(15_000);
        subscriber.subscribe().waitForCompletion(15_000);
        return subscriber;
    }

    private IMqttToken subscribe() throws MqttException {
        return client.subscribe(new MqttSubscription(Topic.sharedReadingsFilter(group), 1));
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        if (!reconnect) {
            return;
        }
        try {
            subscribe();
        } catch (MqttException e) {
            ledger.refused("(subscribe)", e.toString());
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        try {
            Topic readings = Topic.parse(topic);
            ReadingBatch batch = (ReadingBatch) codec.decode(readings, message.getPayload());
            ledger.record(batch, Instant.now());
            if (batch.batchId() != null) {
                receipt(readings, batch.batchId());
            }
        } catch (ContractViolation | ClassCastException e) {
            ledger.refused(topic, e.getMessage());
        }
    }

    /**
     * As cloud-ingest does once a batch is durable, so that gateways give up what the ledger holds. At QoS 0: no
     * in-flight window to fill, and a receipt lost costs only a resend, which the ledger counts as a duplicate.
     */
    private void receipt(Topic readings, String batchId) {
        Topic receipts = Topic.of(readings.tenant(), readings.gatewayId(), Channel.RECEIPTS);
        try {
            client.publish(receipts.path(), codec.encode(Receipt.of(readings.gatewayId(), Instant.now(),
                    List.of(batchId))), 0, false);
        } catch (MqttException e) {
            // Not a refusal of the readings: the gateway sends them again when the receipt is overdue.
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        // Paho reconnects by itself.
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        // Reconnecting covers it.
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // Publishes nothing.
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // No enhanced authentication.
    }

    /**
     * Drops the connection without a DISCONNECT and never reconnects, as a replica that crashed or was scaled away:
     * the broker keeps its session (and its place in the shared subscription) until the session expires.
     */
    public void abandon() throws MqttException {
        client.disconnectForcibly(0, 0, false);
        client.close(true);
    }

    /**
     * Disconnects cleanly if it can within a few seconds — while readings still pour in, Paho's DISCONNECT waits for
     * its callback thread, which also sends the receipts, to fall quiet, which may not happen — else drops the
     * connection. The broker keeps the session either way.
     */
    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            try {
                client.disconnect(2_000).waitForCompletion(5_000);
            } catch (MqttException e) {
                client.disconnectForcibly(0, 1_000, false);
            }
        }
        client.close(true);
    }
}
