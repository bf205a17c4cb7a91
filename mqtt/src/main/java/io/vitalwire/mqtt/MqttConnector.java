package io.vitalwire.mqtt;

import io.vitalwire.mqtt.tls.ClientTls;
import io.vitalwire.mqtt.tls.TlsMaterialException;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Connects clients to one broker the same way for every service: TLS from PEM files, loaded here once so that an
 * unusable file stops the service at start-up naming it, instead of failing every attempt in the background; a
 * persistent session (clean start off, the configured expiry); no automatic reconnect, since the service's
 * {@link ReconnectLoop} decides when to try again; and waits bounded by {@link MqttSettings#replyTimeout()}.
 */
public final class MqttConnector {

    private final MqttSettings settings;
    private final Optional<ClientTls> tls;

    /** @throws TlsMaterialException if a TLS file is unusable, or files are given for a plain URL */
    public MqttConnector(MqttSettings settings) {
        this.settings = settings;
        this.tls = ClientTls.forBroker(settings.brokerUrl(), settings.tls().caFile(), settings.tls().certFile(),
                settings.tls().keyFile());
    }

    /** The connection's TLS, empty for a plain URL: e.g. to check the client certificate's CN. */
    public Optional<ClientTls> tls() {
        return tls;
    }

    /**
     * A new client that keeps in-flight messages in memory only: each service's own store (the gateway's buffer,
     * the broker's session for cloud-ingest) is the durable one, so nothing is replayed behind its back after a
     * restart.
     */
    public MqttAsyncClient newClient(MqttCallback callback) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(),
                new MemoryPersistence());
        client.setCallback(callback);
        return client;
    }

    /** Fresh options for one attempt; a caller adds what is its own, e.g. a last will, before {@link #connect}. */
    public MqttConnectionOptions options() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        tls.ifPresent(t -> {
            options.setSocketFactory(t.socketFactory());
            options.setHttpsHostnameVerificationEnabled(settings.tls().hostnameVerification());
        });
        options.setCleanStart(false);
        options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
        options.setConnectionTimeout((int) settings.connectTimeout().toSeconds());
        return options;
    }

    /**
     * Connects and waits for the CONNACK.
     *
     * @return the completed token: its response properties are the broker's CONNACK properties (Receive Maximum,
     *         Maximum Packet Size…)
     * @throws MqttException refused, unreachable, or no answer within the reply timeout
     */
    public IMqttToken connect(MqttAsyncClient client, MqttConnectionOptions options) throws MqttException {
        return await(client.connect(options));
    }

    /**
     * Waits for the broker's answer to a request (SUBSCRIBE, a QoS 1 PUBLISH…) for at most the reply timeout.
     *
     * @throws MqttException the request failed, or the answer did not come in time
     */
    public IMqttToken await(IMqttToken token) throws MqttException {
        token.waitForCompletion(settings.replyTimeout().toMillis());
        return token;
    }
}
