package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.Gap;
import io.vitalwire.gateway.buffer.GapReason;
import io.vitalwire.gateway.buffer.Lane;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cloud-ingest replicas at once — separate JVMs from the jar, one share group, one PostgreSQL schema, one
 * broker of the test's own (so no other cloud-ingest on the machine takes a message and masks a loss) — while two
 * gateways publish readings the way faults make them arrive: each reading in two overlapping messages, each message
 * published twice, and a scale's records sharing timestamps. Every reading key must become exactly one Observation
 * and exactly one InfluxDB point per value, none missing; a gap event published twice is stored once.
 */
class IngestReplicasIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    /** cloud-ingest's stages (IngestPipeline), each timed by vitalwire.ingest.inbox.latency{stage}. */
    private static final List<String> STAGES = List.of("resolve", "fhir", "influx", "rules");
    /**
     * Far longer than the test waits for anything: readings must travel by the inbox's in-process wake-ups, and
     * a replica must pick up where another left off by looping, not by polling.
     */
    private static final String POLL_INTERVAL = "60s";
    private static final Duration FAST_PATH_BOUND = Duration.ofSeconds(15);
    private static final int REPLICAS = 3;
    private static final int READINGS_PER_DEVICE = 45;
    private static final int MESSAGE_SIZE = 10;
    /** Consecutive messages share half their readings. */
    private static final int MESSAGE_STEP = 5;
    /** The scale's records come in threes with one timestamp, numbered apart. */
    private static final int RECORDS_PER_TIMESTAMP = 3;
    /** Readings sent one message at a time once the burst is through, to time the warm path. */
    private static final int FAST_PATH_READINGS = 5;

    @TempDir
    Path dir;

    @Test
    void threeReplicas_racingOverRedeliveredReadings_writeEachExactlyOnce_andLoseNone() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> gateways = List.of("gw-rep-a-" + run, "gw-rep-b-" + run);
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateways.get(0), gateways.get(1), TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patient = provisioner.patient("replicas-" + run, "Tester", "Replicas");
        Map<String, List<Reading>> readingsOf = new LinkedHashMap<>();
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        for (String gateway : gateways) {
            String cuff = "REP-CUFF-" + gateway;
            String scale = "REP-SCALE-" + gateway;
            provisioner.device(cuff, "BP_CUFF", patient);
            provisioner.device(scale, "SCALE", patient);
            HomeMeasurements home = new HomeMeasurements(gateway);
            List<Reading> readings = new ArrayList<>();
            for (int n = 0; n < READINGS_PER_DEVICE; n++) {
                readings.add(home.bloodPressure(cuff, base.plusSeconds(n), n));
                readings.add(home.storedWeight(scale, n + 1, base.plusSeconds(n / RECORDS_PER_TIMESTAMP)));
            }
            readingsOf.put(gateway, readings);
        }
        List<String> keys = readingsOf.values().stream().flatMap(List::stream).map(Reading::key).toList();
        Map<String, Integer> expectedPoints = new HashMap<>();
        readingsOf.values().forEach(rs -> rs.forEach(r -> expectedPoints.put(r.key(), r.values().size())));
        Map<String, Integer> onceEach = new HashMap<>();
        keys.forEach(k -> onceEach.put(k, 1));
        SinkLedger sinks = new SinkLedger(STACK);

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK)) {
            List<IngestReplica> replicas = new ArrayList<>();
            for (int i = 1; i <= REPLICAS; i++) {
                replicas.add(new IngestReplica("ingest-rep-" + run + "-" + i, pki, broker, schema, "rep-" + run,
                        STACK.fhirUrl(), STACK.influxUrl(), STACK.influxDb(),
                        Map.of("vitalwire.ingest.inbox.poll-interval", POLL_INTERVAL)));
            }
            try {
                IngestReplica.startAll(replicas);

                int published = OverlappingMessages.publish(broker, pki, readingsOf, MESSAGE_SIZE, MESSAGE_STEP);
                Gap gap = new Gap(7, Lane.CRITICAL, base, base.plusSeconds(30), 12, List.of("sn.REP-SCALE-x"),
                        GapReason.CAPACITY);
                try (GatewayPublisher gatewayA = GatewayPublisher.connect(broker, pki, gateways.get(0))) {
                    for (int twice = 0; twice < 2; twice++) {
                        assertThat(gatewayA.publish(Channel.EVENTS, gap.toEvent(gateways.get(0))))
                                .as("taken by cloud-ingest's subscription, not 0x10").isZero();
                    }
                }

                await().atMost(ARRIVAL).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    assertThat(sinks.observations(keys)).isEqualTo(onceEach);
                    assertThat(sinks.points(patient)).isEqualTo(expectedPoints);
                });
                // Time for a late duplicate to show, were any replica to write one.
                Thread.sleep(3_000);
                assertThat(sinks.observations(keys)).as("exactly one Observation per reading key")
                        .isEqualTo(onceEach);
                assertThat(sinks.points(patient)).as("one point per value, records sharing a timestamp included")
                        .isEqualTo(expectedPoints);
                assertThat(schema.number("SELECT count(*) FROM inbox")).as("one inbox entry per key")
                        .isEqualTo(keys.size());
                assertThat(schema.number("SELECT count(*) FROM inbox_delivery WHERE state <> 'DONE'")).isZero();

                double acks = 0;
                int stageWorkers = 0;
                double latencySum = 0;
                double latencyCount = 0;
                double duplicates = 0;
                for (IngestReplica r : replicas) {
                    double acked = r.metric("vitalwire_ingest_acks_total", "outcome=\"sent\"");
                    assertThat(acked).as("the share group gives every replica messages").isPositive();
                    acks += acked;
                    double count = r.metric("vitalwire_ingest_inbox_latency_seconds_count", "stage=\"fhir\"");
                    double stagesWork = 0;
                    for (String stage : STAGES) {
                        stagesWork += r.metric("vitalwire_ingest_inbox_latency_seconds_count", "stage=\"" + stage
                                + "\"");
                    }
                    stageWorkers += stagesWork > 0 ? 1 : 0;
                    latencyCount += count;
                    latencySum += r.metric("vitalwire_ingest_inbox_latency_seconds_sum", "stage=\"fhir\"");
                    duplicates += r.metric("vitalwire_ingest_inbox_accepted_total", "outcome=\"duplicate\"");
                }
                assertThat(acks).as("every message published is acknowledged").isGreaterThanOrEqualTo(published + 2);
                // Which replica claims a stage's work is not promised: per-device locks decide, and one claim may take
                // all four devices'. A clean-clone CI run saw one replica win every claim of every stage, so how many
                // did stage work is printed, not asserted (it was: at least two). What is promised is asserted above:
                // every replica consumes from the share group, and every reading is written exactly once.
                System.out.printf("replicas that did stage work: %d of %d%n", stageWorkers, REPLICAS);
                assertThat(duplicates).as("redeliveries were recognised by key").isGreaterThan(keys.size() / 2.0);
                System.out.printf("replicas, burst of %d readings in %d messages into cold JVMs: mean arrival to "
                        + "FHIR %.3f s%n", keys.size(), published, latencySum / latencyCount);
                printStageLatencies(schema, keys);

                // The fast path, warm: one message at a time, each reading in FHIR well within the poll interval.
                List<String> single = new ArrayList<>();
                try (GatewayPublisher gatewayB = GatewayPublisher.connect(broker, pki, gateways.get(1))) {
                    HomeMeasurements home = new HomeMeasurements(gateways.get(1));
                    for (int n = 0; n < FAST_PATH_READINGS; n++) {
                        Reading r = home.bloodPressure("REP-CUFF-" + gateways.get(1),
                                base.plus(Duration.ofMinutes(10)).plusSeconds(n), n);
                        single.add(r.key());
                        long start = System.nanoTime();
                        gatewayB.publishReadings(gatewayB.batch(List.of(r)));
                        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(20)).until(() ->
                                sinks.observations(List.of(r.key())).get(r.key()) == 1);
                        System.out.printf("  fast path: published to Observation found %d ms (resolved %.3f s, "
                                        + "written to FHIR %.3f s after arrival)%n",
                                (System.nanoTime() - start) / 1_000_000,
                                schema.decimal(stageLatency("resolve", 1.0, List.of(r.key()))),
                                schema.decimal(stageLatency("fhir", 1.0, List.of(r.key()))));
                    }
                }
                double slowest = schema.decimal(stageLatency("fhir", 1.0, single));
                System.out.printf("  fast path: arrival to FHIR written, at most %.3f s%n", slowest);
                // Typically 0.1–0.3 s; the bound leaves room for a loaded machine (a cold device lookup, a busy
                // FHIR server) while staying far below the poll interval.
                assertThat(slowest).as("woken in-process, not by the poll (every " + POLL_INTERVAL + ")")
                        .isLessThan(FAST_PATH_BOUND.toSeconds());

                JsonNode events = replicas.get(REPLICAS - 1).get("/admin/gateways/" + gateways.get(0) + "/events");
                assertThat(events.get("events")).singleElement().satisfies(e -> {
                    assertThat(e.get("type").asText()).isEqualTo("gap");
                    assertThat(e.at("/attributes/refusedReadings").asText()).isEqualTo("12");
                    assertThat(e.get("tenant").asText()).isEqualTo(FaultGateway.TENANT);
                });
                double gaps = 0;
                for (IngestReplica r : replicas) {
                    gaps += r.metric("vitalwire_ingest_gateway_events_total", "type=\"gap\"");
                }
                assertThat(gaps).as("a redelivered event is counted once").isEqualTo(1);
            } finally {
                for (IngestReplica r : replicas) {
                    r.close();
                }
            }
        }
    }

    private static void printStageLatencies(PostgresSchema schema, List<String> keys) throws Exception {
        for (String stage : List.of("resolve", "fhir", "influx")) {
            System.out.printf("  %s: p50 %.3f s, p90 %.3f s, max %.3f s after arrival%n", stage,
                    schema.decimal(stageLatency(stage, 0.5, keys)), schema.decimal(stageLatency(stage, 0.9, keys)),
                    schema.decimal(stageLatency(stage, 1.0, keys)));
        }
    }

    /** Reading keys hold only {@code [A-Za-z0-9._~/-]} (CONTRACT.md), so they can be quoted as they are. */
    private static String stageLatency(String stage, double fraction, List<String> keys) {
        return "SELECT percentile_cont(" + fraction + ") WITHIN GROUP (ORDER BY extract(epoch FROM d.done_at - "
                + "d.received_at)) FROM inbox_delivery d JOIN inbox i ON i.id = d.entry_id WHERE d.stage = '" + stage
                + "' AND i.reading_key IN ('" + String.join("','", keys) + "')";
    }
}
