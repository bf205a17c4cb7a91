package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.events.GatewayEvents;
import io.vitalwire.ingest.operations.PresenceMessages;
import io.vitalwire.mqtt.MqttConnector;
import io.vitalwire.mqtt.MqttSettings;
import io.vitalwire.mqtt.ReconnectLoop;
import io.vitalwire.mqtt.TlsSettings;
import io.vitalwire.privacy.SecretFile;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to every gateway's readings, events, state and status through shared subscriptions (replicas in one
 * share group split the messages) and hands readings to {@link ReadingMessages}, events to {@link GatewayEvents},
 * state and status to {@link PresenceMessages}; once a readings batch is durable, its gateway gets a receipt
 * ({@link ReceiptSender}). Acknowledgements are manual: a message is PUBACKed once what it
 * carries is durable in PostgreSQL — readings committed to the inbox, an event stored, a gateway's presence updated,
 * a refused payload quarantined — which takes milliseconds whether or not FHIR and
 * InfluxDB are up, so the broker's in-flight window never waits for them. Only while PostgreSQL itself fails is a
 * message retried with growing pauses, unacknowledged, so a crash meanwhile gets it redelivered.
 *
 * <p>Paho's callback thread only decodes: a readings message goes, decoded, to the {@link GroupCommitWriter}'s
 * queue and the thread returns for the next in-flight message at once; the writer commits many messages' readings
 * in one transaction (one WAL flush instead of one per message, which is what bounded intake) and then acknowledges
 * them. Events, state and status are rare and stay synchronous here, as do payloads that break the contract
 * (quarantined); they are durable before they are queued, and queued all the same so that every PUBACK goes out in
 * the order the messages arrived, as MQTT requires.
 *
 * <p>A packet identifier names a message only on the connection it came on: after a reconnect the broker may give it
 * to another message (a broker that lost its sessions). So a message whose connection is gone by the time it is
 * durable is not acknowledged; the broker delivers it again on the new connection and the inbox takes it once.
 *
 * <p>Retained {@code state} messages: the MQTT 5 specification has a broker send none to a shared subscription,
 * Mosquitto sends them on every subscribe, flagged retained. Either way nothing depends on them: a replayed state only
 * introduces a gateway not known yet ({@code operations.PresenceMessages}), and a gateway whose state was missed is
 * still alerted by its missing heartbeats ({@code operations.GatewayOfflineAlerts}).
 *
 * <p>Metrics: {@code vitalwire.ingest.messages{channel, outcome}} (see the handlers),
 * {@code vitalwire.ingest.acks{outcome=sent|failed|skipped}} ({@code skipped}: its connection was gone), and the
 * writer's {@code vitalwire.ingest.commit.messages}.
 */
@Context
@Requires(property = "vitalwire.ingest.mqtt.enabled", notEquals = "false")
public class GatewayConsumer implements MqttCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConsumer.class);
    private static final String EVENTS_SUFFIX = "/" + Channel.EVENTS.segment();
    private static final String STATE_SUFFIX = "/" + Channel.STATE.segment();
    private static final String STATUS_SUFFIX = "/" + Channel.STATUS.segment();
    /** The channels consumed; a gateway's other channel, quarantine, is cloud-ingest's own. */
    private static final List<Channel> CHANNELS = List.of(Channel.READINGS, Channel.EVENTS, Channel.STATE,
            Channel.STATUS);
    private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(30);
    /** How often the loop checks the connection: Paho only reports a lost one, it does not reconnect. */
    private static final Duration CONNECTION_CHECK = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(200);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final ReadingMessages ingest;
    private final GatewayEvents events;
    private final PresenceMessages presence;
    private final ConsumerConfig config;
    private final MeterRegistry metrics;
    private final MqttConnector connector;
    private final MqttAsyncClient client;
    /** Keeps the subscription up; its lifetime is the consumer's, message retries included. */
    private final ReconnectLoop connection;
    /** Connections made so far: the number of the current one, which each message is tagged with. */
    private final AtomicLong connections = new AtomicLong();
    private final GroupCommitWriter writer;

    public GatewayConsumer(ReadingMessages ingest, GatewayEvents events, PresenceMessages presence,
                           ConsumerConfig config, IntakeHealth health, MeterRegistry metrics, Clock clock)
            throws MqttException {
        this.ingest = ingest;
        this.events = events;
        this.presence = presence;
        this.config = config;
        this.metrics = metrics;
        // At start-up, so that an unusable certificate or key file stops the service with a message naming it.
        this.connector = new MqttConnector(mqttSettings(config));
        this.client = connector.newClient(this);
        client.setManualAcks(true);
        ReceiptSender receipts = new ReceiptSender((topic, payload) -> client.publish(topic, payload, 1, false),
                clock, metrics);
        this.writer = new GroupCommitWriter(ingest, this::acknowledge, receipts, config, health, metrics);
        writer.start();
        this.connection = new ReconnectLoop("mqtt-connect", config.getBrokerUrl(),
                new Backoff(MIN_RECONNECT_DELAY, MAX_RECONNECT_DELAY), new Subscription());
        connection.start();
    }

    /** The operator's keys (ConsumerConfig) as the shared module's settings. */
    private static MqttSettings mqttSettings(ConsumerConfig config) {
        config.getKeyFile().ifPresent(key -> SecretFile.requirePrivate("the MQTT client's TLS private key", key));
        return MqttSettings.of(config.getBrokerUrl(), config.getClientId(), new TlsSettings(config.getCaFile(),
                config.getCertFile(), config.getKeyFile(), config.isHostnameVerification()), config.getSessionExpiry());
    }

    /**
     * The shared subscriptions, renewed on each connection (clean start off: the broker also kept the session and
     * its unacknowledged messages while this replica was away).
     */
    private final class Subscription implements ReconnectLoop.Link {

        @Override
        public boolean isConnected() {
            return client.isConnected();
        }

        @Override
        public void connect() throws MqttException {
            // Before the CONNECT: a resumed session's messages come right after the CONNACK.
            connections.incrementAndGet();
            connector.connect(client, connector.options());
            String group = config.getShareGroup();
            List<String> filters = CHANNELS.stream().map(channel -> Topic.sharedFilter(group, channel)).toList();
            connector.await(client.subscribe(filters.stream().map(f -> new MqttSubscription(f, 1))
                    .toArray(MqttSubscription[]::new)));
            LOG.info("consuming {} from {}", filters, config.getBrokerUrl());
        }

        @Override
        public void work() {
            connection.pause(CONNECTION_CHECK);
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        // A message that cannot be queued (the consumer stops) stays unacknowledged: the broker delivers it again.
        take(topic, message, connections.get()).ifPresent(writer::enqueue);
    }

    /**
     * Makes a message durable, or for a readings message decodes it (a refused payload is quarantined), retrying
     * while PostgreSQL fails.
     *
     * @return what waits for its commit and PUBACK; empty when the consumer stopped first
     */
    private Optional<Delivery> take(String topic, MqttMessage message, long arrivedOn) {
        Backoff retries = new Backoff(FIRST_RETRY_DELAY, config.getMaxRetryDelay());
        while (connection.isRunning()) {
            try {
                return Optional.of(delivery(topic, message, arrivedOn));
            } catch (RuntimeException e) {
                Duration delay = retries.next();
                LOG.warn("a message from {} could not be made durable, retrying in {} ms: {}", topic,
                        delay.toMillis(), e.toString());
                connection.pause(delay);
            }
        }
        return Optional.empty();
    }

    /**
     * The message for the writer's queue: its readings still to commit and the receipt its batch asks for, or only
     * its PUBACK once anything else it carries is durable.
     */
    private Delivery delivery(String topic, MqttMessage message, long arrivedOn) {
        if (topic.endsWith(EVENTS_SUFFIX)) {
            events.handle(topic, message.getPayload());
            return Delivery.durable(message.getId(), message.getQos(), arrivedOn);
        }
        if (topic.endsWith(STATE_SUFFIX) || topic.endsWith(STATUS_SUFFIX)) {
            presence.handle(topic, message.getPayload(), message.isRetained());
            return Delivery.durable(message.getId(), message.getQos(), arrivedOn);
        }
        ReadingMessages.Decoded decoded = ingest.decode(topic, message.getPayload());
        return new Delivery(message.getId(), message.getQos(), arrivedOn, decoded.readings(), decoded.receipt());
    }

    /** The PUBACK of a durable message, from the writer's thread, in arrival order. */
    private void acknowledge(Delivery delivery) {
        if (delivery.connection() != connections.get()) {
            metrics.counter("vitalwire.ingest.acks", "outcome", "skipped").increment();
            return;
        }
        try {
            client.messageArrivedComplete(delivery.messageId(), delivery.qos());
            metrics.counter("vitalwire.ingest.acks", "outcome", "sent").increment();
        } catch (MqttException e) {
            // Durable, but the PUBACK did not go out: the broker redelivers, and the inbox keeps one entry
            // per reading key.
            metrics.counter("vitalwire.ingest.acks", "outcome", "failed").increment();
            LOG.warn("acknowledging message {} failed: {}", delivery.messageId(), e.getMessage());
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        LOG.warn("disconnected from {}: {}", config.getBrokerUrl(), response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("MQTT error: {}", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // Receipts are published without waiting: one that is lost costs its gateway a resend, nothing more.
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        // Subscribing happens in the connect loop, which waits for the SUBACK.
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // No enhanced authentication.
    }

    @PreDestroy
    @Override
    public void close() {
        try {
            // The writer first: what it has not committed stays unacknowledged, and nothing is acknowledged on a
            // client that is closing.
            if (!writer.stop(STOP_GRACE)) {
                LOG.warn("the inbox writer did not stop within {}", STOP_GRACE);
            }
            connection.stop(STOP_GRACE);
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("consumer shutdown: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
