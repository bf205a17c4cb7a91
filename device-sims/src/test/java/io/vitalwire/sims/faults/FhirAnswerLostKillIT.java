package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.FhirChaosProxy;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FHIR server carried out a transaction bundle, and the cloud-ingest replica that sent it is killed with
 * {@code kill -9} before it learnt so — the answer is held back by a {@link FhirChaosProxy} until the replica is
 * dead — so its inbox still has the readings pending for FHIR. Started again (same PostgreSQL schema, same broker
 * session), the replica writes them again: the conditional create on each reading key finds the Observation HAPI
 * made before the kill, so every reading is exactly once in FHIR and InfluxDB, and the inbox records the very
 * Observations of the lost answer as delivered.
 */
class FhirAnswerLostKillIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ARRIVAL = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void replicaKilledAfterFhirAcceptedItsBundle_theRestartedReplicaFindsTheObservations_exactlyOnce()
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gateway = "gw-fkill-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateway, TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patient = provisioner.patient("fhir-kill-" + run, "Tester", "Killed");
        String cuff = "FKILL-CUFF-" + run;
        String scale = "FKILL-SCALE-" + run;
        provisioner.device(cuff, "BP_CUFF", patient);
        provisioner.device(scale, "SCALE", patient);
        HomeMeasurements home = new HomeMeasurements(gateway);
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        SinkLedger sinks = new SinkLedger(STACK);

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             FhirChaosProxy fhir = FhirChaosProxy.start(STACK.fhirUrl(), Duration.ofSeconds(10))) {
            IngestReplica replica = new IngestReplica("ingest-fkill-" + run, pki, broker, schema, "fkill-" + run,
                    fhir.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), Map.of());
            try (replica; GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway)) {
                replica.start();
                replica.awaitUp();
                Map<String, Integer> expectedPoints = new HashMap<>();
                // Warm: the devices resolved, the FHIR connection open.
                List<Reading> warm = List.of(home.bloodPressure(cuff, base, 0), home.storedWeight(scale, 1, base));
                publish(publisher, warm, expectedPoints);
                sinks.awaitAll(patient, expectedPoints, ARRIVAL);

                FhirChaosProxy.HeldTransaction held = fhir.holdNextTransaction();
                List<Reading> readings = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    readings.add(home.bloodPressure(cuff, base.plusSeconds(i), i));
                    readings.add(home.storedWeight(scale, i + 1, base.plusSeconds(i)));
                }
                publish(publisher, readings, expectedPoints);
                Map<String, String> created = observationsByKey(held.awaitAccepted(ARRIVAL), fhir);
                replica.kill();
                held.release();

                assertThat(created).as("HAPI carried the bundle out").isNotEmpty();
                assertThat(sinks.observations(new ArrayList<>(created.keySet())).values()).containsOnly(1);
                assertThat(schema.number("SELECT count(*) FROM inbox_delivery WHERE stage = 'fhir' "
                        + "AND state = 'PENDING'")).as("the inbox never learnt it")
                        .isGreaterThanOrEqualTo(created.size());

                replica.start();
                replica.awaitUp();
                sinks.awaitAll(patient, expectedPoints, ARRIVAL);
                await().atMost(ARRIVAL).untilAsserted(() -> assertThat(
                        schema.number("SELECT count(*) FROM inbox_delivery WHERE state <> 'DONE'")).isZero());
                Thread.sleep(3_000);

                sinks.assertExactlyOnce(patient, expectedPoints);
                for (Map.Entry<String, String> c : created.entrySet()) {
                    JsonNode fhirStage = null;
                    for (JsonNode stage : replica.explain(c.getKey()).at("/inbox/stages")) {
                        if (stage.path("stage").asText().equals("fhir")) {
                            fhirStage = stage;
                        }
                    }
                    assertThat(fhirStage).as("the fhir stage of %s", c.getKey()).isNotNull();
                    assertThat(fhirStage.path("state").asText()).isEqualTo("done");
                    assertThat(fhirStage.path("outcome").asText()).as("the Observation of the lost answer")
                            .isEqualTo("delivered " + c.getValue());
                }
                System.out.printf("answer lost, replica killed: %d Observations HAPI made before the kill found "
                        + "again after the restart, %d readings exactly once%n", created.size(), expectedPoints.size());
            }
        }
    }

    /** The Observations of HAPI's held answer ({@code Observation/<id>}), by the reading key of each entry. */
    private static Map<String, String> observationsByKey(String answer, FhirChaosProxy fhir) throws Exception {
        FhirChaosProxy.Exchange exchange = fhir.exchanges().stream()
                .filter(e -> e.fault() == FhirChaosProxy.Fault.ANSWER_LOST).findFirst().orElseThrow();
        assertThat(exchange.status()).isEqualTo(200);
        JsonNode entries = JSON.readTree(answer).path("entry");
        assertThat(entries.size()).isEqualTo(exchange.readingKeys().size());
        Map<String, String> byKey = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            String location = entries.get(i).at("/response/location").asText();
            byKey.put(exchange.readingKeys().get(i), location.replaceAll("/_history/.*$", ""));
        }
        return byKey;
    }

    private static void publish(GatewayPublisher publisher, List<Reading> readings,
                                Map<String, Integer> expectedPoints) throws Exception {
        publisher.publishReadings(publisher.batch(readings));
        readings.forEach(r -> expectedPoints.put(r.key(), r.values().size()));
    }
}
