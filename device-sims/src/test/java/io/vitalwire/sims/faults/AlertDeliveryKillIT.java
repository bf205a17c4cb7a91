package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.bench.SignedWebhookReceiver;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert decided is an alert delivered, even when the replica that decided it dies first: a cloud-ingest replica
 * (the jar, its own JVM) decides a critical alert while the clinician's receiver answers 503, and is killed with
 * {@code kill -9} while its next attempt is in flight; a new replica started afterwards delivers the alert — once
 * more, with the same webhook-id and a signature the Standard Webhooks reference library accepts — and there is one
 * alert row and one FHIR Task for it.
 */
class AlertDeliveryKillIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short steps instead of the specification's 5 s, 5 min, …: the test kills between two of them. */
    private static final String RETRY_DELAYS = "2s,2s,2s,2s,2s,2s,2s,2s,2s";
    /** Longer than two retry steps: a second delivery, were one to follow, would have arrived. */
    private static final Duration SETTLE = Duration.ofSeconds(6);
    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    private static final String FEVER = "40.13";

    @TempDir
    Path dir;

    @Test
    void replicaKilledWithItsAlertUndelivered_aNewReplicaDeliversItExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gateway = "gw-akill-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateway, TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        // Names the logs must never show.
        String family = "Kestrelford" + run;
        String given = "Philippa" + run;
        String patient = provisioner.patient("alert-kill-" + run, family, given);
        String thermometer = "AKILL-THERMO-" + run;
        provisioner.device(thermometer, "THERMOMETER", patient);
        Reading fever = new HomeMeasurements(gateway).temperature(thermometer,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), FEVER);
        SinkLedger sinks = new SinkLedger(STACK);

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             SignedWebhookReceiver receiver = SignedWebhookReceiver.start()) {
            AlertWebhooks webhooks = new AlertWebhooks(dir);
            Map<String, String> settings = webhooks.replicaSettings(RETRY_DELAYS);
            IngestReplica deciding = new IngestReplica("ingest-akill-" + run + "-a", pki, broker, schema,
                    "akill-" + run, STACK.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), settings);
            IngestReplica next = new IngestReplica("ingest-akill-" + run + "-b", pki, broker, schema,
                    "akill-" + run, STACK.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), settings);
            try (deciding; next; GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway)) {
                deciding.start();
                deciding.awaitUp();
                webhooks.register(deciding, receiver);
                receiver.answer(request -> 503);

                publisher.publishReadings(publisher.batch(List.of(fever)));
                await().atMost(ARRIVAL).until(() -> receiver.received().size() >= 2);
                String webhookId = receiver.received().get(0).webhookId();
                assertThat(receiver.received()).as("retries of one alert, one webhook-id")
                        .extracting(SignedWebhookReceiver.Request::webhookId).containsOnly(webhookId);

                // The next attempt is held open, and the replica dies with it in flight.
                CountDownLatch inFlight = new CountDownLatch(1);
                CountDownLatch killed = new CountDownLatch(1);
                receiver.answer(request -> {
                    inFlight.countDown();
                    killed.await();
                    return 503;
                });
                assertThat(inFlight.await(30, TimeUnit.SECONDS)).as("a retry within its schedule").isTrue();
                // One endpoint takes one attempt at a time: every earlier one was answered and recorded.
                int refused = receiver.received(webhookId).size();
                deciding.kill();
                receiver.answer(request -> 200);
                killed.countDown();

                assertThat(schema.number("SELECT count(*) FROM webhook_delivery WHERE state = 'PENDING'"))
                        .as("the delivery waits in the outbox").isEqualTo(1);
                assertThat(schema.number("SELECT attempts FROM webhook_delivery"))
                        .as("refusals recorded; the attempt cut short by the kill rolled back with its transaction")
                        .isEqualTo(refused);
                assertThat(receiver.received()).noneMatch(SignedWebhookReceiver.Request::accepted);

                next.start();
                next.awaitUp();
                await().atMost(ARRIVAL).until(() -> receiver.received(webhookId).stream()
                        .anyMatch(SignedWebhookReceiver.Request::accepted));
                Thread.sleep(SETTLE.toMillis());

                List<SignedWebhookReceiver.Request> requests = receiver.received(webhookId);
                System.out.printf("alert kill: %d requests for webhook-id %s (%d refused before the kill, one held "
                        + "when it came)%n", requests.size(), webhookId, refused);
                assertThat(requests).as("delivered exactly once more")
                        .filteredOn(SignedWebhookReceiver.Request::accepted).hasSize(1);
                assertThat(requests).as("the refusals, the held attempt, the delivery").hasSize(refused + 2);
                assertThat(receiver.received()).as("no other webhook").hasSize(requests.size());
                assertThat(requests).allSatisfy(r -> assertThat(r.failure()).as("signature").isNull());
                JsonNode data = JSON.readTree(requests.get(requests.size() - 1).body()).get("data");
                assertThat(data.get("alertId").asText()).isEqualTo(webhookId);
                assertThat(data.get("rule").asText()).isEqualTo("temperature");
                assertThat(data.get("severity").asText()).isEqualTo("critical");
                assertThat(data.get("patient").asText()).isEqualTo("Patient/" + patient);
                assertThat(data.at("/observation/identifier/value").asText()).isEqualTo(fever.key());
                assertThat(data.get("value").decimalValue()).isEqualByComparingTo(FEVER);

                assertThat(schema.number("SELECT count(*) FROM alert")).as("one alert row").isEqualTo(1);
                assertThat(schema.number("SELECT count(*) FROM alert WHERE id = '" + webhookId + "' AND reading_key = '"
                        + fever.key() + "'")).isEqualTo(1);
                assertThat(schema.number("SELECT count(*) FROM webhook_delivery WHERE state = 'DELIVERED'"))
                        .isEqualTo(1);
                await().atMost(ARRIVAL).pollInterval(Duration.ofSeconds(1))
                        .until(() -> sinks.tasks(webhookId) >= 1);
                Thread.sleep(SETTLE.toMillis());
                assertThat(sinks.tasks(webhookId)).as("one FHIR Task for the alert").isEqualTo(1);

                List<String> words = new ArrayList<>(webhooks.secrets());
                words.addAll(List.of(family, given, "Patient/" + patient));
                ReplicaLogs.assertFreeOf(List.of(deciding, next), words, List.of(FEVER));
            }
        }
    }
}
