package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Topic;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.testing.ArrivalLedger;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.ReadingsSubscriber;
import io.vitalwire.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * What every gateway fault test starts from: its own CA and broker, cloud-ingest's side subscribed and counting, and
 * one gateway with two thermometers registered, connected. The test then streams, breaks something, and checks with
 * {@link #assertEveryReadingArrives} that nothing the gateway accepted was lost.
 */
final class FaultScenario implements AutoCloseable {

    /** Generous: the ~95k readings of a one-minute outage drain in about ten seconds. */
    private static final Duration ARRIVAL = Duration.ofSeconds(90);

    final TestPki pki;
    final MosquittoBroker broker;
    final ArrivalLedger ledger = new ArrivalLedger();
    final FaultGateway gateway;
    private final String gatewayId;
    /** Where the gateway dials the broker, and where cloud-ingest's side does: apart only in a partition test. */
    private final String gatewayBrokerUrl;
    private final String ingestBrokerUrl;
    private final List<HomeDeviceCredential> devices;
    private ReadingsSubscriber subscriber;

    /**
     * @param partition       where the broker runs, on a path of its own for each side; null: on loopback
     * @param savesOnDemand   the broker saves its state only when the test says so (see
     *                        {@link MosquittoBroker#deployedSavingOnDemand}); loopback only
     */
    private FaultScenario(Path dir, String gatewayId, Map<String, String> gatewayProperties,
                          NetworkPartition partition, boolean savesOnDemand) throws Exception {
        this.gatewayId = gatewayId;
        this.devices = ReadingStream.thermometers(gatewayId.toUpperCase(), 2);
        if (partition == null) {
            this.pki = TestPki.issue(dir.resolve("pki"), gatewayId, TestPki.INGEST);
            this.broker = savesOnDemand ? MosquittoBroker.deployedSavingOnDemand(pki, dir.resolve("broker"))
                    : MosquittoBroker.deployed(pki, dir.resolve("broker"));
            this.gatewayBrokerUrl = broker.url();
            this.ingestBrokerUrl = broker.url();
        } else {
            this.pki = TestPki.issueNaming(dir.resolve("pki"), "IP:" + partition.gatewaySideAddress() + ",IP:"
                    + partition.ingestSideAddress(), gatewayId, TestPki.INGEST);
            this.broker = MosquittoBroker.deployed(pki, dir.resolve("broker"),
                    new MosquittoBroker.Host(partition.launcher(), null, partition.ingestSideAddress()));
            this.gatewayBrokerUrl = broker.url(partition.gatewaySideAddress());
            this.ingestBrokerUrl = broker.url(partition.ingestSideAddress());
        }
        this.gateway = new FaultGateway(gatewayId, pki, gatewayBrokerUrl, dir.resolve("gateway"), devices,
                gatewayProperties);
    }

    static FaultScenario start(Path dir, String gatewayId) throws Exception {
        return start(dir, gatewayId, Map.of());
    }

    /** With further gateway properties, e.g. a small buffer. */
    static FaultScenario start(Path dir, String gatewayId, Map<String, String> gatewayProperties) throws Exception {
        return start(dir, gatewayId, gatewayProperties, List.of());
    }

    /** With further gateway properties and JVM options beyond the installed ones. */
    static FaultScenario start(Path dir, String gatewayId, Map<String, String> gatewayProperties,
                               List<String> moreJvmOptions) throws Exception {
        return start(new FaultScenario(dir, gatewayId, gatewayProperties, null, false), moreJvmOptions);
    }

    /**
     * With a broker that saves its state only on {@link MosquittoBroker#save()} and on shutdown, so that a test can
     * say exactly what a crash loses.
     */
    static FaultScenario startSavingOnDemand(Path dir, String gatewayId, Map<String, String> gatewayProperties)
            throws Exception {
        return start(new FaultScenario(dir, gatewayId, gatewayProperties, null, true), List.of());
    }

    /**
     * With the broker in {@code partition}'s namespace: the gateway dials it over the link the partition can cut,
     * cloud-ingest's side over the one that stays up.
     */
    static FaultScenario startBehind(NetworkPartition partition, Path dir, String gatewayId,
                                     Map<String, String> gatewayProperties) throws Exception {
        return start(new FaultScenario(dir, gatewayId, gatewayProperties, partition, false), List.of());
    }

    private static FaultScenario start(FaultScenario scenario, List<String> moreJvmOptions) throws Exception {
        try {
            scenario.subscribe();
            scenario.gateway.start(moreJvmOptions);
            scenario.gateway.awaitConnected();
            return scenario;
        } catch (Exception e) {
            scenario.close();
            throw e;
        }
    }

    /** The thermometers, measuring without pause into the gateway. */
    ReadingStream stream() {
        return stream(Duration.ZERO);
    }

    /** The thermometers, each pausing {@code pace} after each accepted reading. */
    ReadingStream stream(Duration pace) {
        return new ReadingStream(gatewayId, devices, gateway.coap(), pace).start();
    }

    /** cloud-ingest's side goes away (its session stays on the broker, if the broker keeps it). */
    void unsubscribe() throws MqttException {
        subscriber.close();
        subscriber = null;
    }

    /** cloud-ingest's side (back) on the broker: a persistent session with the shared subscription. */
    void subscribe() throws MqttException {
        subscriber = ingestSubscriber(ingestBrokerUrl, pki, ledger);
    }

    /**
     * Another of cloud-ingest's replicas beside the scenario's own: the same share group, so the broker gives each
     * its turn of the gateway's messages, but a session of its own as {@code clientId}, counting into {@code ledger}.
     * The caller closes (or abandons) it.
     */
    ReadingsSubscriber subscribeAs(String clientId, ArrivalLedger ledger) throws MqttException {
        return ReadingsSubscriber.connect(ingestBrokerUrl, BrokerTls.as(pki, TestPki.INGEST).socketFactory(), "faults",
                clientId, ledger);
    }

    /**
     * cloud-ingest's side on the broker at {@code brokerUrl}: mutual TLS as {@link TestPki#INGEST}, a persistent
     * session as {@code faults-ingest}, the shared subscription of group {@code faults}, every reading's key into
     * {@code ledger}.
     */
    static ReadingsSubscriber ingestSubscriber(String brokerUrl, TestPki pki, ArrivalLedger ledger)
            throws MqttException {
        return ReadingsSubscriber.connect(brokerUrl, BrokerTls.as(pki, TestPki.INGEST).socketFactory(), "faults",
                ledger);
    }

    /** The registered devices: the stream's thermometers, for a test that also sends as one of them. */
    List<HomeDeviceCredential> devices() {
        return devices;
    }

    /**
     * cloud-ingest's side of the gateway's events channel, so that its gap events have a subscriber to reach; each
     * event decoded into {@code events}. The caller disconnects and closes the client.
     */
    MqttClient subscribeToEvents(List<GatewayEvent> events) throws MqttException {
        return subscribeTo(Channel.EVENTS, message -> events.add((GatewayEvent) message));
    }

    /** cloud-ingest's side of one of the gateway's channels, each message decoded by the contract's codec. */
    MqttClient subscribeTo(Channel channel, Consumer<ContractMessage> messages) throws MqttException {
        return subscribeTo(ingestBrokerUrl, pki, gatewayId, channel, messages);
    }

    /** cloud-ingest's side of one of a gateway's channels on a broker, each message decoded by the contract's codec. */
    static MqttClient subscribeTo(String brokerUrl, TestPki pki, String gatewayId, Channel channel,
                                  Consumer<ContractMessage> messages) throws MqttException {
        ContractCodec codec = new ContractCodec();
        Topic topic = Topic.of(FaultGateway.TENANT, gatewayId, channel);
        MqttClient client = new MqttClient(brokerUrl, "faults-" + channel.name().toLowerCase(Locale.ROOT),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(BrokerTls.as(pki, TestPki.INGEST).socketFactory());
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 2);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        client.connect(options);
        client.subscribe(new MqttSubscription[] {new MqttSubscription(topic.path(), 1)},
                new IMqttMessageListener[] {(t, message) -> messages.accept(codec.decode(topic, message.getPayload()))});
        return client;
    }

    /** Waits for every accepted reading at the subscriber; none may be missing, and no message may be malformed. */
    void assertEveryReadingArrives(Set<String> accepted) throws Exception {
        try {
            await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.missing(accepted).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.printf("%d of %d accepted readings never arrived%n", ledger.missing(accepted).size(),
                    accepted.size());
            printGatewayLog();
            throw e;
        }
        assertThat(ledger.missing(accepted)).as("accepted (2.04) but never delivered").isEmpty();
        assertThat(ledger.refused()).isEmpty();
    }

    /** The gateway's own account of what it did, which a failure needs: its temp directory will be gone. */
    void printGatewayLog() throws java.io.IOException {
        String log = gateway.log();
        System.out.println("gateway log (tail):\n" + log.substring(Math.max(0, log.length() - 20_000)));
    }

    @Override
    public void close() throws Exception {
        try (broker; gateway) {
            if (subscriber != null) {
                subscriber.close();
            }
        }
    }
}
