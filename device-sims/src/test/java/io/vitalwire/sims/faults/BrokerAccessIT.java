package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.Topic;
import io.vitalwire.mqtt.tls.ClientTls;
import io.vitalwire.testing.ArrivalLedger;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.ReadingsSubscriber;
import io.vitalwire.testing.TestPki;
import java.nio.charset.StandardCharsets;
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
import org.eclipse.paho.mqttv5.client.MqttClientException;
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
 * and the ACL rendered from the issued certificates ties its topics to it and to its tenant; a client without a
 * certificate of our CA never gets in; and a client refuses a broker whose certificate does not name the host it
 * dialled.
 */
class BrokerAccessIT {

    private static final String GATEWAY = "gw-a";
    private static final String OTHER_GATEWAY = "gw-b";
    private static final String OTHER_TENANT = "other";
    private static final Duration ARRIVAL = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static TestPki foreignPki;
    private static MosquittoBroker broker;
    private final ContractCodec codec = new ContractCodec();

    @BeforeAll
    static void startBroker() throws Exception {
        pki = TestPki.issue(dir.resolve("pki"), GATEWAY, OTHER_GATEWAY, TestPki.INGEST);
        foreignPki = TestPki.issue(dir.resolve("foreign"), GATEWAY);
        broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void anotherGatewaysCertificate_cannotPublishIntoThisGatewaysTopics() throws Exception {
        ArrivalLedger ledger = new ArrivalLedger();
        String readings = Topic.of(FaultGateway.TENANT, GATEWAY, Channel.READINGS).path();
        try (ReadingsSubscriber subscriber = FaultScenario.ingestSubscriber(broker.url(), pki, ledger)) {
            MqttAsyncClient impostor = connect(broker.url(), "impostor", BrokerTls.as(pki, OTHER_GATEWAY), true);
            MqttAsyncClient genuine = connect(broker.url(), "genuine", BrokerTls.as(pki, GATEWAY), true);

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
    void aGateway_cannotPublishUnderAnotherTenant_evenUnderItsOwnId() throws Exception {
        ArrivalLedger ledger = new ArrivalLedger();
        try (ReadingsSubscriber subscriber = FaultScenario.ingestSubscriber(broker.url(), pki, ledger)) {
            MqttAsyncClient crossing = connect(broker.url(), "crossing", BrokerTls.as(pki, GATEWAY), true);
            IMqttToken elsewhere = crossing.publish(Topic.of(OTHER_TENANT, GATEWAY, Channel.READINGS).path(),
                    codec.encode(batch("CROSS-TENANT")), 1, false);
            elsewhere.waitForCompletion(5_000);
            close(crossing); // Mosquitto 2.0 drops the connection after the refusal
            MqttAsyncClient home = connect(broker.url(), "home", BrokerTls.as(pki, GATEWAY), true);
            IMqttToken own = home.publish(Topic.of(TestPki.TENANT, GATEWAY, Channel.READINGS).path(),
                    codec.encode(batch("OWN-TENANT")), 1, false);
            own.waitForCompletion(5_000);

            assertThat(elsewhere.getReasonCodes()).containsExactly(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED);
            assertThat(own.getReasonCodes()).containsExactly(MqttReturnCode.RETURN_CODE_SUCCESS);
            await().atMost(ARRIVAL).until(() -> ledger.keys().contains(key("OWN-TENANT")));
            assertThat(ledger.keys()).containsExactly(key("OWN-TENANT"));
            close(home);
        }
    }

    @Test
    void aGatewayIssuedLater_writesOnceTheAclIsRenderedAgain_andNoLongerOnceRevoked() throws Exception {
        String later = "gw-later";
        String topic = Topic.of(OTHER_TENANT, later, Channel.STATUS).path();
        pki.gateway(OTHER_TENANT, later);
        // Its certificate is good (the TLS handshake passes), but the broker's ACL does not name it yet.
        assertThat(publishOnce(later, topic)).isEqualTo(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED);

        broker.reloadAcl(pki);
        // Accepted: "success", or "no matching subscribers" (0x10), as nobody listens to this status topic.
        assertThat(publishOnce(later, topic)).isLessThan(0x80);

        pki.revoke(later);
        broker.reloadAcl(pki);
        assertThat(publishOnce(later, topic)).isEqualTo(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED);
    }

    @Test
    void aGateway_cannotReadAnotherGatewaysTopics() throws Exception {
        ArrivalLedger ledger = new ArrivalLedger();
        List<String> overheard = new CopyOnWriteArrayList<>();
        try (ReadingsSubscriber subscriber = FaultScenario.ingestSubscriber(broker.url(), pki, ledger)) {
            MqttAsyncClient eavesdropper = connect(broker.url(), "eavesdropper", BrokerTls.as(pki, OTHER_GATEWAY),
                    true);
            // (Paho 1.2.5's single-listener subscribe forms fail; the array form works.)
            eavesdropper.subscribe(new MqttSubscription[] {new MqttSubscription("vitalwire/#", 1)}, null, null,
                    new IMqttMessageListener[] {(topic, message) -> overheard.add(topic)}, new MqttProperties())
                    .waitForCompletion(5_000);
            MqttAsyncClient genuine = connect(broker.url(), "genuine", BrokerTls.as(pki, GATEWAY), true);

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

    /**
     * The configuration is retained and carries the gateway's allow-list: a gateway that could write it could serve
     * devices the operator never assigned to it. Only cloud-ingest writes it; the gateway reads it, its own only.
     */
    @Test
    void aGateway_cannotWriteItsOwnConfiguration_onlyCloudIngestCan_andOnlyThatGatewayReadsIt() throws Exception {
        String config = Topic.of(TestPki.TENANT, GATEWAY, Channel.CONFIG).path();
        List<String> received = new CopyOnWriteArrayList<>();
        List<String> overheard = new CopyOnWriteArrayList<>();
        MqttAsyncClient gateway = connect(broker.url(), "cfg-own", BrokerTls.as(pki, GATEWAY), true);
        IMqttToken forged = gateway.publish(config, "{\"forged\":true}".getBytes(StandardCharsets.UTF_8), 1, true);
        forged.waitForCompletion(5_000);
        close(gateway); // Mosquitto 2.0 drops the connection after the refusal
        MqttAsyncClient ingest = connect(broker.url(), "cfg-ingest", BrokerTls.as(pki, TestPki.INGEST), true);
        IMqttToken issued = ingest.publish(config, "{\"issued\":true}".getBytes(StandardCharsets.UTF_8), 1, true);
        issued.waitForCompletion(5_000);

        assertThat(forged.getReasonCodes()).containsExactly(MqttReturnCode.RETURN_CODE_NOT_AUTHORIZED);
        assertThat(issued.getReasonCodes()[0]).isLessThan(0x80);
        // Retained: the gateway that subscribes afterwards gets cloud-ingest's, and another gateway gets nothing.
        MqttAsyncClient reader = connect(broker.url(), "cfg-reader", BrokerTls.as(pki, GATEWAY), true);
        reader.subscribe(new MqttSubscription[] {new MqttSubscription(config, 1)}, null, null,
                new IMqttMessageListener[] {(topic, message) -> received.add(new String(message.getPayload(),
                        StandardCharsets.UTF_8))}, new MqttProperties()).waitForCompletion(5_000);
        MqttAsyncClient other = connect(broker.url(), "cfg-other", BrokerTls.as(pki, OTHER_GATEWAY), true);
        other.subscribe(new MqttSubscription[] {new MqttSubscription(config, 1)}, null, null,
                new IMqttMessageListener[] {(topic, message) -> overheard.add(topic)}, new MqttProperties())
                .waitForCompletion(5_000);
        await().atMost(ARRIVAL).until(() -> !received.isEmpty());
        Thread.sleep(500);
        assertThat(received).containsExactly("{\"issued\":true}");
        assertThat(overheard).isEmpty();
        // Its own channels stay writable one by one.
        for (Channel channel : new Channel[] {Channel.STATUS, Channel.EVENTS, Channel.STATE}) {
            assertThat(publishOnce(GATEWAY, Topic.of(TestPki.TENANT, GATEWAY, channel).path())).as(channel.segment())
                    .isLessThan(0x80);
        }
        ingest.publish(config, new byte[0], 1, true).waitForCompletion(5_000); // clears the retained message
        close(reader);
        close(other);
        close(ingest);
    }

    @Test
    void aClientWithoutACertificate_cannotConnect() {
        assertThatThrownBy(() -> connect(broker.url(), "anonymous", BrokerTls.trustOnly(pki), true))
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

        assertThatThrownBy(() -> connect(byName, GATEWAY, BrokerTls.as(pki, GATEWAY), true))
                .isInstanceOf(MqttException.class)
                .rootCause().hasMessageContaining("localhost");
        // Everything else about the connection is fine: without the host name check it gets in.
        close(connect(byName, GATEWAY, BrokerTls.as(pki, GATEWAY), false));
    }

    /** Connects as the gateway, publishes one status message and returns the broker's reason code. */
    private static int publishOnce(String gateway, String topic) throws Exception {
        MqttAsyncClient client = connect(broker.url(), gateway, BrokerTls.as(pki, gateway), true);
        IMqttToken token = client.publish(topic, "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        token.waitForCompletion(5_000);
        close(client);
        return token.getReasonCodes()[0];
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
            try {
                client.disconnect().waitForCompletion(5_000);
            } catch (MqttException e) {
                // The broker may end the connection itself meanwhile (a refused publish, a reloaded ACL): gone
                // either way, which is all a close needs.
                if (e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_DISCONNECTING
                        && e.getReasonCode() != MqttClientException.REASON_CODE_CLIENT_ALREADY_DISCONNECTED) {
                    throw e;
                }
            }
        }
        client.close(true);
    }

    /** The key of the scale's record number 1 (a sequence number makes the key, whatever the time). */
    private static String key(String serial) {
        return ReadingKey.of(GATEWAY, GatewayReadings.device(serial), 1L, null, Instant.EPOCH, "188736");
    }

    private static ReadingBatch batch(String serial) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Reading weight = GatewayReadings.storedWeight(GATEWAY, GatewayReadings.device(serial), 1L, at, "72.4");
        return ReadingBatch.of(GATEWAY, at, List.of(weight));
    }
}
