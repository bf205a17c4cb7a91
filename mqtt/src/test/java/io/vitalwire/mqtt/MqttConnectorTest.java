package io.vitalwire.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.mqtt.tls.TlsMaterialException;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections as both services make them, against a Mosquitto of the test's own with mutual TLS, from certificates
 * issued by the operators' {@code deploy/broker/pki.sh}; the broker's certificate names only {@code IP:127.0.0.1}.
 */
class MqttConnectorTest {

    private static final Duration DAY = Duration.ofDays(1);

    @TempDir
    static Path dir;
    private static MosquittoBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = MosquittoBroker.mutualTls(dir, TestPki.issue(dir, "svc"));
    }

    @AfterAll
    static void stopBroker() throws InterruptedException {
        broker.close();
    }

    @Test
    void options_plainUrl_persistentSessionWithoutTlsOrAutomaticReconnect() {
        MqttConnector connector = new MqttConnector(MqttSettings.of("tcp://127.0.0.1:1883", "c-1", TlsSettings.NONE,
                DAY).withConnectTimeout(Duration.ofSeconds(10)));

        MqttConnectionOptions options = connector.options();

        assertThat(connector.tls()).isEmpty();
        assertThat(options.getSocketFactory()).isNull();
        assertThat(options.isCleanStart()).isFalse();
        assertThat(options.getSessionExpiryInterval()).isEqualTo(86_400L);
        assertThat(options.isAutomaticReconnect()).isFalse();
        assertThat(options.getKeepAliveInterval()).isEqualTo(30);
        assertThat(options.getConnectionTimeout()).isEqualTo(10);
    }

    @Test
    void new_tlsFilesForPlainUrl_isRefusedAtOnceNamingTheFile() {
        Path ca = dir.resolve("ca.pem");

        assertThatThrownBy(() -> new MqttConnector(MqttSettings.of("tcp://127.0.0.1:1883", "c-1",
                new TlsSettings(Optional.of(ca), Optional.empty(), Optional.empty(), true), DAY)))
                .isInstanceOf(TlsMaterialException.class).hasMessageContaining(ca.toString());
    }

    @Test
    void connect_mutualTls_isKnownByItsCertificate() throws MqttException {
        MqttConnector connector = new MqttConnector(settings(broker.url(), true));
        assertThat(connector.tls().orElseThrow().commonName()).contains("svc");

        MqttAsyncClient client = connector.newClient(null);
        try {
            IMqttToken connack = connector.connect(client, connector.options());

            assertThat(client.isConnected()).isTrue();
            assertThat(connack.getSessionPresent()).isFalse();
            connector.await(client.publish("t/1", "x".getBytes(StandardCharsets.UTF_8), 1, false));
        } finally {
            client.disconnectForcibly(0, 1_000, false);
            client.close(true);
        }
    }

    @Test
    void connect_hostNotInTheBrokersCertificate_isRefusedUnlessVerificationIsOff() throws MqttException {
        MqttConnector verifying = new MqttConnector(settings(broker.url("localhost"), true));
        MqttAsyncClient refused = verifying.newClient(null);
        try {
            assertThatThrownBy(() -> verifying.connect(refused, verifying.options()))
                    .isInstanceOf(MqttException.class);
            assertThat(refused.isConnected()).isFalse();
        } finally {
            refused.close(true);
        }

        MqttConnector trusting = new MqttConnector(settings(broker.url("localhost"), false));
        MqttAsyncClient accepted = trusting.newClient(null);
        try {
            trusting.connect(accepted, trusting.options());
            assertThat(accepted.isConnected()).isTrue();
        } finally {
            accepted.disconnectForcibly(0, 1_000, false);
            accepted.close(true);
        }
    }

    private static MqttSettings settings(String url, boolean hostnameVerification) {
        return MqttSettings.of(url, "svc-" + hostnameVerification, new TlsSettings(Optional.of(dir.resolve("ca.pem")),
                Optional.of(dir.resolve("svc.pem")), Optional.of(dir.resolve("svc.key")), hostnameVerification), DAY);
    }
}
