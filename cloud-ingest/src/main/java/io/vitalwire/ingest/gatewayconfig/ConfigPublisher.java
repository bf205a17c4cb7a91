package io.vitalwire.ingest.gatewayconfig;

import io.micronaut.context.annotation.Requires;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.consume.ConsumerConfig;
import io.vitalwire.mqtt.MqttConnector;
import io.vitalwire.mqtt.MqttSettings;
import io.vitalwire.mqtt.TlsSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes hubs' configurations retained at QoS 1 on their {@code …/config} topics and records the version the
 * broker acknowledged. Its own connection (client id {@code <consumer's>-config}, a clean session): the consumer's
 * connection acknowledges manually and must never wait on a publish. Connects on demand; a publish that fails leaves
 * the version unpublished, for {@link ConfigRepublisher} to retry.
 */
@Singleton
@Requires(property = "vitalwire.ingest.mqtt.enabled", notEquals = "false")
public class ConfigPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigPublisher.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    /** Short: an operator's PUT waits for it; a broker that is away gets the version from the retry. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final ConsumerConfig config;
    private final GatewayConfigs configs;
    private final MqttConnector connector;
    private final ContractCodec codec = new ContractCodec();
    private MqttAsyncClient client;

    public ConfigPublisher(ConsumerConfig config, GatewayConfigs configs) {
        this.config = config;
        this.configs = configs;
        this.connector = new MqttConnector(MqttSettings.of(config.getBrokerUrl(), config.getClientId() + "-config",
                new TlsSettings(config.getCaFile(), config.getCertFile(), config.getKeyFile(),
                        config.isHostnameVerification()), Duration.ZERO).withConnectTimeout(CONNECT_TIMEOUT));
    }

    /** Publishes the configuration's current version; whether the broker acknowledged it. */
    public synchronized boolean publish(StoredConfig stored) {
        try {
            IMqttToken token = connected().publish(Topic.of(stored.tenant(), stored.gateway(), Channel.CONFIG).path(),
                    codec.encode(stored.document()), 1, true);
            token.waitForCompletion(ACK_TIMEOUT.toMillis());
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                // The broker's ACL must let cloud-ingest write …/config (deploy/broker/acl).
                LOG.warn("the broker refused a gateway configuration (reason code {}); it is retried", codes[0]);
                return false;
            }
            configs.published(stored.gateway(), stored.version());
            return true;
        } catch (MqttException e) {
            LOG.warn("a gateway configuration could not be published ({}); it is retried", e.getMessage());
            return false;
        }
    }

    /**
     * Deletes the retained configuration on {@code tenant}'s topic of the hub (a zero-length retained message), once it
     * moved to another tenant: the old tenant's topic must not keep its allow-list and passkeys.
     *
     * @return whether the broker acknowledged it
     */
    public synchronized boolean withdraw(String tenant, String gateway) {
        try {
            IMqttToken token = connected().publish(Topic.of(tenant, gateway, Channel.CONFIG).path(), new byte[0], 1,
                    true);
            token.waitForCompletion(ACK_TIMEOUT.toMillis());
            return true;
        } catch (MqttException e) {
            LOG.warn("a moved hub's configuration could not be withdrawn from its old tenant's topic ({})",
                    e.getMessage());
            return false;
        }
    }

    private MqttAsyncClient connected() throws MqttException {
        if (client == null) {
            // No callback: nothing arrives on this connection, and a lost one is found at the next publish.
            client = connector.newClient(null);
        }
        if (!client.isConnected()) {
            connector.connect(client, connector.options());
        }
        return client;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("configuration publisher shutdown: {}", e.getMessage());
        }
    }
}
