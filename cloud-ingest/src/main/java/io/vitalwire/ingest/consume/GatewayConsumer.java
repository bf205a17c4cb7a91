package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.tls.ClientTls;
import io.vitalwire.ingest.ReadingsIngest;
import io.vitalwire.ingest.events.GatewayEvents;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to every gateway's readings and events through shared subscriptions (replicas in one share group
 * split the messages) and hands readings to {@link ReadingsIngest}, events to {@link GatewayEvents}. Acknowledgements
 * are manual: a message is PUBACKed once what it carries is durable in PostgreSQL — readings committed to the
 * inbox, an event stored, a refused payload quarantined — which takes milliseconds whether or not FHIR and
 * InfluxDB are up, so the broker's in-flight window never waits for them. Only while PostgreSQL itself fails is a
 * message retried here with growing pauses, unacknowledged, so a crash meanwhile gets it redelivered.
 *
 * <p>Metrics: {@code vitalwire.ingest.messages{channel, outcome}} (see the handlers),
 * {@code vitalwire.ingest.acks{outcome=sent|failed}}.
 */
@Context
@Requires(property = "vitalwire.ingest.mqtt.enabled", notEquals = "false")
public class GatewayConsumer implements MqttCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConsumer.class);
    private static final String EVENTS_SUFFIX = "/" + Channel.EVENTS.segment();

    private final ReadingsIngest ingest;
    private final GatewayEvents events;
    private final ConsumerConfig config;
    private final MeterRegistry metrics;
    private final MqttAsyncClient client;
    private final Optional<ClientTls> tls;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread connector;

    public GatewayConsumer(ReadingsIngest ingest, GatewayEvents events, ConsumerConfig config, MeterRegistry metrics)
            throws MqttException {
        this.ingest = ingest;
        this.events = events;
        this.config = config;
        this.metrics = metrics;
        // At start-up, so that an unusable certificate or key file stops the service with a message naming it.
        this.tls = ClientTls.forBroker(config.getBrokerUrl(), config.getCaFile(), config.getCertFile(),
                config.getKeyFile());
        this.client = new MqttAsyncClient(config.getBrokerUrl(), config.getClientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(this);
        connector = new Thread(this::connectUntilStopped, "mqtt-connect");
        connector.setDaemon(true);
        connector.start();
    }

    private void connectUntilStopped() {
        long delay = 500;
        while (stopping.getCount() > 0) {
            try {
                if (!client.isConnected()) {
                    MqttConnectionOptions options = new MqttConnectionOptions();
                    options.setCleanStart(false);
                    options.setSessionExpiryInterval(config.getSessionExpiry().toSeconds());
                    options.setAutomaticReconnect(false);
                    options.setKeepAliveInterval(30);
                    tls.ifPresent(t -> {
                        options.setSocketFactory(t.socketFactory());
                        options.setHttpsHostnameVerificationEnabled(config.isHostnameVerification());
                    });
                    client.connect(options).waitForCompletion(15_000);
                    String group = config.getShareGroup();
                    IMqttToken sub = client.subscribe(new MqttSubscription[] {
                            new MqttSubscription(Topic.sharedFilter(group, Channel.READINGS), 1),
                            new MqttSubscription(Topic.sharedFilter(group, Channel.EVENTS), 1)});
                    sub.waitForCompletion(15_000);
                    LOG.info("consuming {} and {} from {}", Topic.sharedFilter(group, Channel.READINGS),
                            Topic.sharedFilter(group, Channel.EVENTS), config.getBrokerUrl());
                    delay = 500;
                }
                stopping.await(1, TimeUnit.SECONDS);
            } catch (MqttException e) {
                LOG.warn("MQTT connect to {} failed: {}; retrying in {} ms", config.getBrokerUrl(), e.getMessage(),
                        delay);
                await(delay);
                delay = Math.min(delay * 2, 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        long delay = 200;
        while (stopping.getCount() > 0) {
            try {
                if (topic.endsWith(EVENTS_SUFFIX)) {
                    events.handle(topic, message.getPayload());
                } else {
                    ingest.handle(topic, message.getPayload());
                }
            } catch (RuntimeException e) {
                LOG.warn("a message from {} could not be made durable, retrying in {} ms: {}", topic, delay,
                        e.toString());
                await(delay);
                delay = Math.min(delay * 2, config.getMaxRetryDelay().toMillis());
                continue;
            }
            try {
                client.messageArrivedComplete(message.getId(), message.getQos());
                metrics.counter("vitalwire.ingest.acks", "outcome", "sent").increment();
            } catch (MqttException e) {
                // Durable, but the PUBACK did not go out: the broker redelivers, and the inbox keeps one entry
                // per reading key.
                metrics.counter("vitalwire.ingest.acks", "outcome", "failed").increment();
                LOG.warn("acknowledging message {} failed: {}", message.getId(), e.getMessage());
            }
            return;
        }
    }

    private void await(long millis) {
        try {
            stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        // This client publishes nothing.
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
        stopping.countDown();
        try {
            connector.join(Duration.ofSeconds(5).toMillis());
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
