package io.vitalwire.ingest.consume;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.tls.ClientTls;
import io.vitalwire.ingest.ReadingsIngest;
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
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to every gateway's readings through a shared subscription and hands each message to
 * {@link ReadingsIngest}. Acknowledgements are manual: a message is PUBACKed only after it was handled (written or
 * quarantined). While handling fails (FHIR or InfluxDB down) the message is retried here with growing pauses and
 * stays unacknowledged, so a crash in the meantime gets it redelivered by the broker.
 */
@Context
@Requires(property = "vitalwire.ingest.mqtt.enabled", notEquals = "false")
public class ReadingsConsumer implements MqttCallback, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingsConsumer.class);

    private final ReadingsIngest ingest;
    private final ConsumerConfig config;
    private final MqttAsyncClient client;
    private final Optional<ClientTls> tls;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread connector;

    public ReadingsConsumer(ReadingsIngest ingest, ConsumerConfig config) throws MqttException {
        this.ingest = ingest;
        this.config = config;
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
                    IMqttToken sub = client.subscribe(Topic.sharedReadingsFilter(config.getShareGroup()), 1);
                    sub.waitForCompletion(15_000);
                    LOG.info("consuming {} from {}", Topic.sharedReadingsFilter(config.getShareGroup()),
                            config.getBrokerUrl());
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
                ingest.handle(topic, message.getPayload());
                client.messageArrivedComplete(message.getId(), message.getQos());
                return;
            } catch (MqttException e) {
                // Handled, but the PUBACK did not go out: the broker redelivers and the sinks deduplicate.
                LOG.warn("acknowledging message {} failed: {}", message.getId(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                LOG.warn("handling a message from {} failed, retrying in {} ms: {}", topic, delay, e.toString());
                await(delay);
                delay = Math.min(delay * 2, config.getMaxRetryDelay().toMillis());
            }
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
