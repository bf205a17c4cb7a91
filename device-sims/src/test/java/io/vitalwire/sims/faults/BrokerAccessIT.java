package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.Transport;
import io.vitalwire.mqtt.tls.ClientTls;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttReturnCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may do what on the broker as operators configure it (deploy/broker): a gateway's certificate is its identity,
 * and the ACL ties its topics to it; a client without a certificate of our CA never gets in; and a client refuses a
 * broker whose certificate does not name the host it dialled.
 */
class BrokerAccessIT {

    private static final String GATEWAY = "gw-a";
    private static final String OTHER_GATEWAY = "gw-b";
    private static final Duration ARRIVAL = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki foreignPki;
    private static TlsBroker broker;
    private final ContractCodec codec = new ContractCodec();

    @BeforeAll
    static void startBroker() throws Exception {
        pki = TestPki.issue(dir.resolve("pki"), GATEWAY, OTHER_GATEWAY, TestPki.INGEST);
        foreignPki = TestPki.issue(dir.resolve("foreign"), GATEWAY);
        broker = TlsBroker.start(pki, dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void anotherGatewaysCertificate_cannotPublishIntoThisGatewaysTopics() throws Exception {
        ArrivalLedger ledger = new ArrivalLedger();
        String readings = Topic.of(FaultGateway.TENANT, GATEWAY, Channel.READINGS).path();
        try (ReadingsSubscriber subscriber = ReadingsSubscriber.connect(broker.url(), pki.tls(TestPki.INGEST), ledger)) {
            MqttAsyncClient impostor = connect(broker.url(), "impostor", pki.tls(OTHER_GATEWAY), true);
            MqttAsyncClient genuine = connect(broker.url(), "genuine", pki.tls(GATEWAY), true);

            IMqttToken forged = impostor.publish(readings, codec.encode(batch("FORGED")), 1, false);
            forged.waitForCompletion(5_000);
            IMqttToken real = genuine.publish(readings, codec.encode(batch("REAL")), 1, false);
            real.waitForCompletion(5_000);

            assertThat(forged.getReasonCodes()).containsExactly(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED);
            assertThat(real.getReasonCodes()).containsExactly(MqttReturnCode.RETURN_CODE_SUCCESS);
            // The genuine one was published after the forged one on the same broker: once it is here, the forged
            // one would be too.
            await().atMost(ARRIVAL).until(() -> ledger.keys().contains(key("REAL")));
            assertThat(ledger.keys()).containsExactly(key("REAL"));
            // (Mosquitto 2.0 also drops the impostor's connection after the refusal.)
            close(impostor);
            close(genuine);
        }
    }

    @Test
    void aGateway_cannotReadAnotherGatewaysTopics() throws Exception {
        ArrivalLedger ledger = new ArrivalLedger();
        List<String> overheard = new CopyOnWriteArrayList<>();
        try (ReadingsSubscriber subscriber = ReadingsSubscriber.connect(broker.url(), pki.tls(TestPki.INGEST), ledger)) {
            MqttAsyncClient eavesdropper = connect(broker.url(), "eavesdropper", pki.tls(OTHER_GATEWAY), true);
            // (Paho 1.2.5's single-listener subscribe forms fail; the array form works.)
            eavesdropper.subscribe(new MqttSubscription[] {new MqttSubscription("vitalwire/#", 1)}, null, null,
                    new IMqttMessageListener[] {(topic, message) -> overheard.add(topic)}, new MqttProperties())
                    .waitForCompletion(5_000);
            MqttAsyncClient genuine = connect(broker.url(), "genuine", pki.tls(GATEWAY), true);

            genuine.publish(Topic.of(FaultGateway.TENANT, GATEWAY, Channel.READINGS).path(),
                    codec.encode(batch("PRIVATE")), 1, false).waitForCompletion(5_000);

            await().atMost(ARRIVAL).until(() -> ledger.keys().contains(key("PRIVATE")));
            // The broker writes to every matching subscriber at once; a moment more covers a slower reader.
            Thread.sleep(500);
            assertThat(overheard).isEmpty();
            close(eavesdropper);
            close(genuine);
        }
    }

    @Test
    void aClientWithoutACertificate_cannotConnect() {
        assertThatThrownBy(() -> connect(broker.url(), "anonymous", pki.trustOnly(), true))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void aCertificateOfAnotherCa_cannotConnect() {
        ClientTls foreign = ClientTls.forBroker(broker.url(), Optional.of(pki.ca()),
                Optional.of(foreignPki.cert(GATEWAY)), Optional.of(foreignPki.key(GATEWAY))).orElseThrow();

        assertThatThrownBy(() -> connect(broker.url(), GATEWAY, foreign, true)).isInstanceOf(MqttException.class);
    }

    @Test
    void aBrokerCertificateThatDoesNotNameTheHost_isRefused() throws Exception {
        // The broker's certificate names IP:127.0.0.1 only; localhost is the same machine, but not that name.
        String byName = "ssl://localhost:" + broker.port();

        assertThatThrownBy(() -> connect(byName, GATEWAY, pki.tls(GATEWAY), true))
                .isInstanceOf(MqttException.class)
                .rootCause().hasMessageContaining("localhost");
        // Everything else about the connection is fine: without the host name check it gets in.
        close(connect(byName, GATEWAY, pki.tls(GATEWAY), false));
    }

    private static MqttAsyncClient connect(String url, String clientId, ClientTls tls, boolean verifyHost)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(tls.socketFactory());
        options.setHttpsHostnameVerificationEnabled(verifyHost);
        options.setConnectionTimeout(5);
        try {
            client.connect(options).waitForCompletion(10_000);
            return client;
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
    }

    private static void close(MqttAsyncClient client) throws MqttException {
        if (client.isConnected()) {
            client.disconnect().waitForCompletion(5_000);
        }
        client.close(true);
    }

    private static String key(String serial) {
        return ReadingKey.of(GATEWAY, new DeviceIdentity(null, null, serial, null, null), 1L, null,
                Instant.EPOCH, "188736");
    }

    private static ReadingBatch batch(String serial) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Reading weight = new Reading(key(serial), MeasurementType.BODY_WEIGHT, "188736", "29463-7",
                List.of(new ReadingValue("188736", "29463-7", new BigDecimal("72.4"), "kg")),
                new DeviceIdentity(null, null, serial, null, null), 1L, null, at, at, null, ClockQuality.RECEIVE_TIME,
                new Source(Transport.COAP, "/readings"), List.of());
        return ReadingBatch.of(GATEWAY, at, List.of(weight));
    }
}
