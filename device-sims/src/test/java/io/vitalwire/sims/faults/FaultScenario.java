package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.testing.ArrivalLedger;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.ReadingsSubscriber;
import io.vitalwire.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.paho.mqttv5.common.MqttException;

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
    private final List<HomeDeviceCredential> devices;
    private ReadingsSubscriber subscriber;

    private FaultScenario(Path dir, String gatewayId, Map<String, String> gatewayProperties) throws Exception {
        this.gatewayId = gatewayId;
        this.devices = ReadingStream.thermometers(gatewayId.toUpperCase(), 2);
        this.pki = TestPki.issue(dir.resolve("pki"), gatewayId, TestPki.INGEST);
        this.broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
        this.gateway = new FaultGateway(gatewayId, pki, broker, dir.resolve("gateway"), devices, gatewayProperties);
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
        FaultScenario scenario = new FaultScenario(dir, gatewayId, gatewayProperties);
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
        return new ReadingStream(gatewayId, devices, gateway.coap()).start();
    }

    /** cloud-ingest's side goes away (its session stays on the broker, if the broker keeps it). */
    void unsubscribe() throws MqttException {
        subscriber.close();
        subscriber = null;
    }

    /** cloud-ingest's side (back) on the broker: a persistent session with the shared subscription. */
    void subscribe() throws MqttException {
        subscriber = ingestSubscriber(broker, pki, ledger);
    }

    /**
     * cloud-ingest's side on {@code broker}: mutual TLS as {@link TestPki#INGEST}, a persistent session as
     * {@code faults-ingest}, the shared subscription of group {@code faults}, every reading's key into {@code ledger}.
     */
    static ReadingsSubscriber ingestSubscriber(MosquittoBroker broker, TestPki pki, ArrivalLedger ledger)
            throws MqttException {
        return ReadingsSubscriber.connect(broker.url(), BrokerTls.as(pki, TestPki.INGEST).socketFactory(), "faults",
                ledger);
    }

    /** Waits for every accepted reading at the subscriber; none may be missing, and no message may be malformed. */
    void assertEveryReadingArrives(Set<String> accepted) throws Exception {
        try {
            await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(200))
                    .until(() -> ledger.missing(accepted).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // The gateway's own account of what it did is what a failure needs; its temp directory will be gone.
            String log = gateway.log();
            System.out.println("gateway log (tail):\n" + log.substring(Math.max(0, log.length() - 20_000)));
            throw e;
        }
        assertThat(ledger.missing(accepted)).as("accepted (2.04) but never delivered").isEmpty();
        assertThat(ledger.refused()).isEmpty();
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
