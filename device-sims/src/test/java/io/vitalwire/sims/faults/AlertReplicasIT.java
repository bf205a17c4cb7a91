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
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert exactly once with three cloud-ingest replicas racing (separate JVMs from the jar, one share group, one
 * PostgreSQL schema, a broker of the test's own): four homes publish each reading in two overlapping messages and
 * each message twice, concurrently, and the clinician's receiver refuses every alert's first attempt with 503, so
 * that retries, too, are up for grabs between replicas. Each alert decided must be one alert row, one webhook-id
 * answered 2xx exactly once (verified by the Standard Webhooks reference library) and one FHIR Task; the replicas'
 * logs hold no names, values or secrets.
 */
class AlertReplicasIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REPLICAS = 3;
    private static final int HOMES = 4;
    private static final int MESSAGE_SIZE = 4;
    /** Consecutive messages share half their readings. */
    private static final int MESSAGE_STEP = 2;
    private static final String RETRY_DELAYS = "1s,1s,1s,1s,1s,1s,1s,1s,1s";
    private static final Duration ARRIVAL = Duration.ofSeconds(120);
    /** Several retry steps and Task polls: a second delivery or Task, were one to follow, would show. */
    private static final Duration SETTLE = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    /** An alert the readings must raise, once: whose, by which rule, fired by which reading. */
    private record Expected(String patient, String rule, String readingKey) {
    }

    /** One home: its gateway, its patient's names, and what it sends. */
    private record Home(String gateway, String family, String given, List<Reading> readings, List<String> values,
                        List<Expected> alerts) {
    }

    @Test
    void threeReplicas_redeliveredReadings_eachAlertOnceWithOneWebhookIdAndOneTask() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> gateways = new ArrayList<>();
        for (int h = 0; h < HOMES; h++) {
            gateways.add("gw-arep-" + h + "-" + run);
        }
        List<String> certified = new ArrayList<>(gateways);
        certified.add(TestPki.INGEST);
        TestPki pki = TestPki.issue(dir.resolve("pki"), certified.toArray(String[]::new));
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        List<Home> homes = new ArrayList<>();
        for (int h = 0; h < HOMES; h++) {
            homes.add(home(provisioner, gateways.get(h), h, run, base));
        }
        List<Expected> expected = homes.stream().flatMap(home -> home.alerts().stream()).toList();
        SinkLedger sinks = new SinkLedger(STACK);

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             SignedWebhookReceiver receiver = SignedWebhookReceiver.start()) {
            AlertWebhooks webhooks = new AlertWebhooks(dir);
            List<IngestReplica> replicas = new ArrayList<>();
            for (int i = 1; i <= REPLICAS; i++) {
                replicas.add(new IngestReplica("ingest-arep-" + run + "-" + i, pki, broker, schema, "arep-" + run,
                        STACK.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), webhooks.replicaSettings(RETRY_DELAYS)));
            }
            try {
                IngestReplica.startAll(replicas);
                webhooks.register(replicas.get(0), receiver);
                Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
                receiver.answer(request -> refusedOnce.add(request.webhookId()) ? 503 : 200);

                long start = System.nanoTime();
                Map<String, List<Reading>> readingsOf = new HashMap<>();
                homes.forEach(home -> readingsOf.put(home.gateway(), home.readings()));
                int published = OverlappingMessages.publish(broker, pki, readingsOf, MESSAGE_SIZE, MESSAGE_STEP);
                long publishedMillis = (System.nanoTime() - start) / 1_000_000;

                await().atMost(ARRIVAL).pollInterval(Duration.ofSeconds(1)).until(() ->
                        receiver.received().stream().filter(SignedWebhookReceiver.Request::accepted)
                                .map(SignedWebhookReceiver.Request::webhookId).distinct().count() >= expected.size());
                Thread.sleep(SETTLE.toMillis());

                Map<Expected, String> webhookIds = webhookIdsByAlert(receiver, expected);
                System.out.printf("alert replicas: %d messages published in %d ms, %d alerts, %d webhook requests; "
                        + "at most %.3f s from a reading's arrival to its rules, %.3f s from an alert raised to its "
                        + "delivery (one refusal and a 1 s retry step included)%n", published, publishedMillis,
                        expected.size(), receiver.received().size(),
                        schema.decimal("SELECT extract(epoch FROM max(done_at - received_at)) FROM inbox_delivery "
                                + "WHERE stage = 'rules'"),
                        schema.decimal("SELECT extract(epoch FROM max(delivered_at - created_at)) FROM "
                                + "webhook_delivery"));
                assertThat(webhookIds.keySet()).as("every alert expected, and no other")
                        .containsExactlyInAnyOrderElementsOf(expected);
                assertThat(new HashSet<>(webhookIds.values())).as("one webhook-id per alert").hasSize(expected.size());
                for (String id : webhookIds.values()) {
                    assertThat(receiver.received(id)).as("webhook-id %s: refused once, then delivered once", id)
                            .extracting(SignedWebhookReceiver.Request::status).containsExactly(503, 200);
                }
                assertThat(receiver.received()).allSatisfy(r -> assertThat(r.failure()).as("signature").isNull());

                assertThat(schema.number("SELECT count(*) FROM alert")).as("one alert row per decision")
                        .isEqualTo(expected.size());
                for (Map.Entry<Expected, String> alert : webhookIds.entrySet()) {
                    Expected e = alert.getKey();
                    assertThat(schema.number("SELECT count(*) FROM alert WHERE id = '" + alert.getValue()
                            + "' AND patient = '" + e.patient() + "' AND rule = '" + e.rule() + "' AND reading_key = '"
                            + e.readingKey() + "'")).as("the alert row of %s", e).isEqualTo(1);
                }
                assertThat(schema.number("SELECT count(*) FROM webhook_delivery WHERE state = 'DELIVERED'"))
                        .isEqualTo(expected.size());
                assertThat(schema.number("SELECT count(*) FROM webhook_delivery")).isEqualTo(expected.size());

                await().atMost(ARRIVAL).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    for (String id : webhookIds.values()) {
                        if (sinks.tasks(id) == 0) {
                            return false;
                        }
                    }
                    return true;
                });
                Thread.sleep(SETTLE.toMillis());
                for (String id : webhookIds.values()) {
                    assertThat(sinks.tasks(id)).as("one FHIR Task for alert %s", id).isEqualTo(1);
                }

                double raised = 0;
                double delivered = 0;
                double retried = 0;
                for (int i = 0; i < REPLICAS; i++) {
                    IngestReplica r = replicas.get(i);
                    assertThat(r.metric("vitalwire_ingest_acks_total", "outcome=\"sent\""))
                            .as("the share group gives every replica messages").isPositive();
                    double decided = r.metric("vitalwire_ingest_alerts_raised_total");
                    double sent = r.metric("vitalwire_ingest_webhooks_deliveries_total", "outcome=\"delivered\"");
                    System.out.printf("  replica %d: %.0f alerts decided, %.0f delivered%n", i + 1, decided, sent);
                    raised += decided;
                    delivered += sent;
                    retried += r.metric("vitalwire_ingest_webhooks_deliveries_total", "outcome=\"retried\"");
                }
                assertThat(raised).as("alerts raised, counted across replicas").isEqualTo(expected.size());
                assertThat(delivered).as("deliveries, counted across replicas").isEqualTo(expected.size());
                assertThat(retried).as("one refusal each").isEqualTo(expected.size());

                List<String> words = new ArrayList<>(webhooks.secrets());
                List<String> values = new ArrayList<>();
                for (Home home : homes) {
                    words.add(home.family());
                    words.add(home.given());
                    values.addAll(home.values());
                }
                ReplicaLogs.assertFreeOf(replicas, words, values);
            } finally {
                for (IngestReplica r : replicas) {
                    r.close();
                }
            }
        }
    }

    /**
     * A home whose patient has a thermometer and a glucose meter (mmol/L): normal readings, one fever (critical
     * temperature) and one low glucose (critical: under 54 mg/dL). One abnormal reading per rule, so the alerts do
     * not depend on the order in which racing replicas evaluate them (a second one within the suppression window
     * would be suppressed or not depending on that order).
     */
    private static Home home(FhirProvisioner provisioner, String gateway, int h, String run, Instant base)
            throws IOException {
        String family = "Marchbanks" + h + run;
        String given = "Ottoline" + h + run;
        String patient = provisioner.patient("alert-rep-" + h + "-" + run, family, given);
        String thermometer = "AREP-THERMO-" + h + "-" + run;
        String meter = "AREP-GLUCO-" + h + "-" + run;
        provisioner.device(thermometer, "THERMOMETER", patient);
        provisioner.device(meter, "GLUCOSE_METER", patient);
        HomeMeasurements m = new HomeMeasurements(gateway);
        String fever = "40." + h + "7";
        String low = "2.8" + h + "3";
        List<String> values = List.of("36.6" + h + "4", "5.4" + h + "1", "37.1" + h + "2", fever, low,
                "36.8" + h + "6", "6.0" + h + "9");
        Instant t = base.plusSeconds(h * 100L);
        List<Reading> readings = List.of(
                m.temperature(thermometer, t, values.get(0)),
                m.glucose(meter, t.plusSeconds(5), values.get(1)),
                m.temperature(thermometer, t.plusSeconds(10), values.get(2)),
                m.temperature(thermometer, t.plusSeconds(15), fever),
                m.glucose(meter, t.plusSeconds(20), low),
                m.temperature(thermometer, t.plusSeconds(25), values.get(5)),
                m.glucose(meter, t.plusSeconds(30), values.get(6)));
        return new Home(gateway, family, given, readings, values, List.of(
                new Expected(patient, "temperature", readings.get(3).key()),
                new Expected(patient, "glucose", readings.get(4).key())));
    }

    /** Each webhook-id received, by the alert its payload is about; fails on a payload no expected alert explains. */
    private static Map<Expected, String> webhookIdsByAlert(SignedWebhookReceiver receiver, List<Expected> expected)
            throws IOException {
        Map<Expected, String> ids = new HashMap<>();
        for (SignedWebhookReceiver.Request r : receiver.received()) {
            JsonNode data = JSON.readTree(r.body()).get("data");
            assertThat(data.get("alertId").asText()).as("the webhook-id is the alert's id").isEqualTo(r.webhookId());
            assertThat(data.get("severity").asText()).isEqualTo("critical");
            Expected about = new Expected(data.get("patient").asText().substring("Patient/".length()),
                    data.get("rule").asText(), data.at("/observation/identifier/value").asText());
            assertThat(expected).as("an alert the readings raise").contains(about);
            String before = ids.putIfAbsent(about, r.webhookId());
            assertThat(before == null ? r.webhookId() : before).as("one webhook-id for %s", about)
                    .isEqualTo(r.webhookId());
        }
        return ids;
    }
}
