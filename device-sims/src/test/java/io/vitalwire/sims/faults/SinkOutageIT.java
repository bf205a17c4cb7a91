package io.vitalwire.sims.faults;

import io.vitalwire.sims.network.TcpProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FHIR and InfluxDB each unreachable for {@link #OUTAGE} — through relays the test cuts, the shared services keep
 * running — while a gateway keeps publishing (each reading in two messages, each message twice) to two
 * cloud-ingest replicas, one of which is killed with {@code kill -9} mid-outage and started again. Readings must
 * be acknowledged into the inbox meanwhile, InfluxDB must keep receiving while only FHIR is down, and afterwards
 * every reading must be in FHIR and InfluxDB exactly once: nothing acknowledged and lost.
 */
class SinkOutageIT {

    /**
     * How long each sink stays unreachable. The issue asks for "minutes"; one minute per sink (FHIR from 0 to 60 s,
     * InfluxDB from 20 to 80 s, both down in between) spans many retry rounds at this test's 5 s longest backoff,
     * a replica's kill and restart, and keeps the test near three minutes of CI time. Raise it to soak locally.
     */
    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final Duration PUBLISH_EVERY = Duration.ofMillis(500);
    private static final Duration ARRIVAL = Duration.ofSeconds(120);
    private static final StackSettings STACK = StackSettings.fromEnvironment();

    @TempDir
    Path dir;

    @Test
    void sinksDownForAMinuteEach_andAReplicaKilled_everyReadingArrivesExactlyOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gateway = "gw-out-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateway, TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patient = provisioner.patient("outage-" + run, "Tester", "Outage");
        String cuff = "OUT-CUFF-" + run;
        String scale = "OUT-SCALE-" + run;
        provisioner.device(cuff, "BP_CUFF", patient);
        provisioner.device(scale, "SCALE", patient);
        SinkLedger sinks = new SinkLedger(STACK);
        URI fhir = URI.create(STACK.fhirUrl());
        URI influx = URI.create(STACK.influxUrl());

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             TcpProxy fhirRelay = TcpProxy.to(fhir.getHost(), fhir.getPort());
             TcpProxy influxRelay = TcpProxy.to(influx.getHost(), influx.getPort())) {
            Map<String, String> settings = Map.of(
                    // Assignments read before the outage stay usable through it, so InfluxDB is not held back.
                    "vitalwire.ingest.resolve.cache-ttl", "10m",
                    "vitalwire.ingest.inbox.retry-delay", "500ms",
                    "vitalwire.ingest.inbox.max-retry-delay", "5s",
                    "vitalwire.ingest.inbox.stats-interval", "1s");
            IngestReplica a = new IngestReplica("ingest-out-" + run + "-a", pki, broker, schema, "out-" + run,
                    fhirRelay.relay(STACK.fhirUrl()), influxRelay.relay(STACK.influxUrl()), STACK.influxDb(),
                    settings);
            IngestReplica b = new IngestReplica("ingest-out-" + run + "-b", pki, broker, schema, "out-" + run,
                    fhirRelay.relay(STACK.fhirUrl()), influxRelay.relay(STACK.influxUrl()), STACK.influxDb(),
                    settings);
            try (a; b; GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway)) {
                a.start();
                a.awaitUp();
                b.start();
                b.awaitUp();
                Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
                Ticker ticker = new Ticker(publisher, new HomeMeasurements(gateway), cuff, scale, base);
                Map<String, Integer> expectedPoints = ticker.expectedPoints;
                Map<String, Instant> publishedAt = ticker.publishedAt;
                Runnable tick = ticker::tick;

                // Warm: the devices are looked up while FHIR is up; the replicas share the lookups (PostgreSQL), so
                // whichever takes a reading later — a restarted one too — resolves it through the outage.
                for (int i = 0; i < 4; i++) {
                    tick.run();
                }
                sinks.awaitAll(patient, expectedPoints, ARRIVAL);

                Instant outage = Instant.now();
                fhirRelay.cut();
                publishUntil(tick, outage.plus(OUTAGE.dividedBy(3)));

                // FHIR down only: readings taken in since then reach InfluxDB, not FHIR, and say why.
                List<String> duringFhirOutage = publishedAt.entrySet().stream()
                        .filter(e -> e.getValue().isAfter(outage.plusSeconds(2)))
                        .sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
                assertThat(duringFhirOutage).isNotEmpty();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(sinks.points(patient))
                        .containsKeys(duringFhirOutage.toArray(String[]::new)));
                assertThat(sinks.observations(duringFhirOutage).values()).containsOnly(0);
                // Entries arriving while their device backs off wait for its next attempt: give it one. The explain
                // call itself asks the unreachable FHIR server, which on a loaded machine can outlast the client's
                // timeout: ask again then.
                await().atMost(Duration.ofSeconds(40)).ignoreExceptionsInstanceOf(HttpTimeoutException.class)
                        .untilAsserted(() -> {
                    JsonNode trail = b.explain(duringFhirOutage.get(0));
                    assertThat(trail.get("outcome").asText()).isEqualTo("pending");
                    assertThat(trail.at("/inbox/stages/1/stage").asText()).isEqualTo("fhir");
                    assertThat(trail.at("/inbox/stages/1/state").asText()).isEqualTo("pending");
                    assertThat(trail.at("/inbox/stages/1/lastError").asText()).startsWith("unreachable: ");
                    assertThat(trail.at("/inbox/stages/2/state").asText()).isEqualTo("done");
                    assertThat(trail.get("unavailable")).isNotEmpty();
                });

                influxRelay.cut();
                publishUntil(tick, outage.plus(OUTAGE.dividedBy(2)));
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode health = b.get("/health");
                    assertThat(health.get("status").asText()).isEqualTo("DEGRADED");
                    assertThat(health.at("/details/inbox/details/fhir/state").asText()).isEqualTo("failing");
                    assertThat(health.at("/details/inbox/details/influx/state").asText()).isEqualTo("failing");
                });

                // Replica a has acknowledged messages whose readings only the inbox holds: kill it.
                double acked = a.metric("vitalwire_ingest_acks_total", "outcome=\"sent\"");
                long waiting = schema.number("SELECT count(*) FROM inbox_delivery WHERE stage = 'fhir' "
                        + "AND state = 'PENDING'");
                assertThat(acked).isPositive();
                assertThat(waiting).isPositive();
                a.kill();
                publishUntil(tick, outage.plus(OUTAGE.multipliedBy(2).dividedBy(3)));
                a.start();
                publishUntil(tick, outage.plus(OUTAGE));
                fhirRelay.restore();
                publishUntil(tick, outage.plus(OUTAGE.dividedBy(3)).plus(OUTAGE));
                influxRelay.restore();
                a.awaitUp();
                publishUntil(tick, Instant.now().plusSeconds(3));

                List<String> keys = new ArrayList<>(expectedPoints.keySet());
                System.out.printf("outage: %d readings published in %d messages (twice each); replica a had acked "
                        + "%.0f messages and %d readings waited for FHIR when it was killed%n", keys.size(),
                        ticker.ticks, acked, waiting);
                Instant recovered = Instant.now();
                sinks.awaitAll(patient, expectedPoints, ARRIVAL);
                System.out.printf("outage: all delivered %d ms after the last sink came back%n",
                        Duration.between(recovered, Instant.now()).toMillis());
                Thread.sleep(3_000);
                sinks.assertExactlyOnce(patient, expectedPoints);
                assertThat(schema.number("SELECT count(*) FROM inbox_delivery WHERE state <> 'DONE'")).isZero();
            }
        }
    }

    /**
     * The gateway's traffic: each tick a new blood pressure reading and a new scale record (two records per second,
     * so pairs share a timestamp), sent together with the previous tick's two — every reading in two messages.
     */
    private static final class Ticker {

        final Map<String, Integer> expectedPoints = new ConcurrentHashMap<>();
        final Map<String, Instant> publishedAt = new ConcurrentHashMap<>();
        private final GatewayPublisher publisher;
        private final HomeMeasurements home;
        private final String cuff;
        private final String scale;
        private final Instant base;
        private final List<Reading> previous = new ArrayList<>();
        int ticks;

        Ticker(GatewayPublisher publisher, HomeMeasurements home, String cuff, String scale, Instant base) {
            this.publisher = publisher;
            this.home = home;
            this.cuff = cuff;
            this.scale = scale;
            this.base = base;
        }

        /** One message, published twice, as a gateway does after a lost PUBACK. */
        void tick() {
            List<Reading> fresh = List.of(home.bloodPressure(cuff, base.plusSeconds(ticks), ticks),
                    home.storedWeight(scale, ticks + 1, base.plusSeconds(ticks / 2)));
            ticks++;
            List<Reading> message = new ArrayList<>(previous);
            message.addAll(fresh);
            byte[] payload = publisher.batch(message);
            try {
                publisher.publishReadings(payload);
                publisher.publishReadings(payload);
            } catch (Exception e) {
                throw new IllegalStateException("publishing failed", e);
            }
            fresh.forEach(r -> {
                expectedPoints.put(r.key(), r.values().size());
                publishedAt.put(r.key(), Instant.now());
            });
            previous.clear();
            previous.addAll(fresh);
        }
    }

    /** Publishes one tick every {@link #PUBLISH_EVERY} until {@code until}. */
    private static void publishUntil(Runnable tick, Instant until) throws InterruptedException {
        while (Instant.now().isBefore(until)) {
            tick.run();
            Thread.sleep(PUBLISH_EVERY.toMillis());
        }
    }
}
