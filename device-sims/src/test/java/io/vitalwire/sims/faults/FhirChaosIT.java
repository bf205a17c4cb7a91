package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.contract.Reading;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.FhirChaosProxy;
import io.vitalwire.testing.FhirChaosProxy.Exchange;
import io.vitalwire.testing.FhirChaosProxy.Fault;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misbehaving FHIR server for {@link #CHAOS}: a {@link FhirChaosProxy} in front of the stack's HAPI answers every
 * request of a cloud-ingest replica (the jar, its own JVM) at random — seeded, the seed printed — with 429 and
 * {@code Retry-After}, 500, 503, 401, 404, a hang past the replica's read timeout, a closed connection, or a write
 * HAPI carried out whose answer never reaches the replica; then it heals. A gateway publishes throughout (each
 * message twice). Afterwards every reading is exactly once in FHIR and InfluxDB, none was set aside (401 and 404
 * refuse us, not the reading: held, never {@code FHIR_REJECTED}), no reading was sent again sooner than the backoff
 * or a 429's {@code Retry-After} allows, and the request rate through the chaos stayed within what the inbox's
 * backoff allows: no hot loop.
 *
 * <p>{@code -Dvitalwire.chaos.seconds=600} runs the chaos for ten minutes (default 75 s, to keep CI short);
 * {@code -Dvitalwire.chaos.seed=<n>} replays a printed seed (the same faults in the order requests arrive).
 */
class FhirChaosIT {

    private static final Duration CHAOS = Duration.ofSeconds(Long.getLong("vitalwire.chaos.seconds", 75));
    private static final long SEED = Long.getLong("vitalwire.chaos.seed", System.nanoTime());
    /** The replica's FHIR read timeout; a hang holds its connection three times as long. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);
    private static final Duration PUBLISH_EVERY = Duration.ofSeconds(2);
    private static final Duration ARRIVAL = Duration.ofSeconds(120);
    private static final StackSettings STACK = StackSettings.fromEnvironment();

    @TempDir
    Path dir;

    @Test
    void aFhirServerFailingAtRandom_everyReadingWrittenExactlyOnce_withoutAHotLoop() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gateway = "gw-chaos-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateway, TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patient = provisioner.patient("chaos-" + run, "Tester", "Chaos");
        List<String> cuffs = List.of("CHAOS-CUFF-A-" + run, "CHAOS-CUFF-B-" + run);
        String scale = "CHAOS-SCALE-" + run;
        for (String cuff : cuffs) {
            provisioner.device(cuff, "BP_CUFF", patient);
        }
        provisioner.device(scale, "SCALE", patient);
        int devices = cuffs.size() + 1;
        SinkLedger sinks = new SinkLedger(STACK);

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             FhirChaosProxy fhir = FhirChaosProxy.start(STACK.fhirUrl(), READ_TIMEOUT.multipliedBy(3))) {
            Map<String, String> settings = Map.of(
                    "vitalwire.ingest.fhir.timeout", READ_TIMEOUT.toMillis() + "ms",
                    // Assignments read before the chaos are used through it: the test is about the writes.
                    "vitalwire.ingest.resolve.cache-ttl", "10m",
                    "vitalwire.ingest.inbox.retry-delay", RETRY_DELAY.toMillis() + "ms",
                    "vitalwire.ingest.inbox.max-retry-delay", MAX_RETRY_DELAY.toSeconds() + "s");
            IngestReplica replica = new IngestReplica("ingest-chaos-" + run, pki, broker, schema, "chaos-" + run,
                    fhir.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), settings);
            try (replica; GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway)) {
                replica.start();
                replica.awaitUp();
                Publishing publishing = new Publishing(publisher, new HomeMeasurements(gateway), cuffs, scale);
                for (int i = 0; i < 3; i++) {
                    publishing.tick();
                }
                sinks.awaitAll(patient, publishing.expectedPoints, ARRIVAL);

                System.out.printf("chaos: seed %d (-Dvitalwire.chaos.seed=%d replays it), %d s%n", SEED, SEED,
                        CHAOS.toSeconds());
                Map<Fault, Integer> weights = new EnumMap<>(Fault.class);
                weights.put(Fault.FORWARD, 32);
                weights.put(Fault.THROTTLED, 15);
                weights.put(Fault.SERVER_ERROR, 10);
                weights.put(Fault.UNAVAILABLE, 10);
                weights.put(Fault.UNAUTHORIZED, 8);
                weights.put(Fault.NOT_FOUND, 7);
                weights.put(Fault.RESET, 8);
                weights.put(Fault.ANSWER_LOST, 9);
                // Rare: each costs the replica's one express worker its read timeout.
                weights.put(Fault.HANG, 1);
                int before = fhir.exchanges().size();
                Instant chaosFrom = Instant.now();
                fhir.chaos(SEED, weights);
                int readingsBefore = publishing.expectedPoints.size();
                publishUntil(publishing, chaosFrom.plus(CHAOS));
                fhir.heal();
                Instant chaosTo = Instant.now();
                int readingsDuring = publishing.expectedPoints.size() - readingsBefore;
                List<Exchange> chaos = fhir.exchanges().subList(before, fhir.exchanges().size()).stream()
                        .filter(e -> e.at().isBefore(chaosTo)).toList();
                publishUntil(publishing, Instant.now().plusSeconds(3));

                Instant healed = Instant.now();
                sinks.awaitAll(patient, publishing.expectedPoints, ARRIVAL);
                System.out.printf("chaos: all delivered %d ms after it healed%n",
                        Duration.between(healed, Instant.now()).toMillis());
                Thread.sleep(3_000);

                Map<Fault, Long> faults = chaos.stream().collect(Collectors.groupingBy(Exchange::fault,
                        () -> new EnumMap<>(Fault.class), Collectors.counting()));
                double seconds = Duration.between(chaosFrom, chaosTo).toMillis() / 1000.0;
                System.out.printf("chaos: %d requests (%d writes of readings) in %.0f s (%.2f/s) for %d readings of "
                        + "%d devices: %s%n", chaos.size(), chaos.stream().filter(e -> !e.readingKeys().isEmpty())
                        .count(), seconds, chaos.size() / seconds, readingsDuring, devices, faults);

                sinks.assertExactlyOnce(patient, publishing.expectedPoints);
                assertThat(schema.number("SELECT count(*) FROM inbox_delivery WHERE state <> 'DONE'")).isZero();
                assertThat(schema.number("SELECT count(*) FROM quarantine"))
                        .as("nothing set aside: 401 and 404 refuse us, not the readings").isZero();

                // The chaos was real: every kind of answer, and writes carried out whose answer was lost.
                assertThat(faults).containsOnlyKeys(weights.keySet());
                assertThat(chaos).filteredOn(e -> e.fault() == Fault.ANSWER_LOST && e.status() == 200
                        && !e.readingKeys().isEmpty()).as("writes HAPI carried out whose answer was lost").isNotEmpty();

                assertBackoffKept(fhir.exchanges());
                assertRetryAfterHonoured(fhir.exchanges());
                // The sustained rate: each lane of each device (express and the rest) is tried at most once per
                // RETRY_DELAY after a failure, except that a success makes every waiting lane due at once — at most
                // once per reading taken, as each success settles at least one. Resolve lookups (cached) and the
                // rules' condition reads add the 2. The bursts a loop without backoff makes between successes are
                // caught reading by reading above.
                double lanes = 2.0 * devices;
                double bound = lanes * (1000.0 / RETRY_DELAY.toMillis() + readingsDuring / seconds) + 2;
                assertThat(chaos.size() / seconds).as("requests per second through the chaos (bound %.1f)", bound)
                        .isLessThan(bound);
            }
        }
    }

    /**
     * No hot loop, reading by reading: after a failed write, none of its readings is sent again sooner than
     * {@link #RETRY_DELAY} (the backoff's shortest wait) unless a write succeeded in between, which makes the waiting
     * readings due at once. A retry loop without backoff — a stage failing its readings due at once — sends them
     * again within milliseconds, dozens of times a second.
     */
    private static void assertBackoffKept(List<Exchange> exchanges) {
        int checked = 0;
        List<String> tooSoon = new ArrayList<>();
        for (int i = 0; i < exchanges.size(); i++) {
            Exchange failed = exchanges.get(i);
            if (failed.readingKeys().isEmpty() || succeeded(failed)) {
                continue;
            }
            for (int j = i + 1; j < exchanges.size(); j++) {
                Exchange again = exchanges.get(j);
                if (again.readingKeys().stream().noneMatch(failed.readingKeys()::contains)) {
                    continue;
                }
                checked++;
                boolean released = exchanges.subList(i + 1, j).stream()
                        .anyMatch(e -> !e.readingKeys().isEmpty() && succeeded(e));
                if (!released && again.at().isBefore(failed.at().plus(RETRY_DELAY).minusMillis(50))) {
                    tooSoon.add(failed.fault() + " at " + failed.at() + ", again at " + again.at());
                }
                break;
            }
        }
        assertThat(checked).as("failed writes that were retried").isPositive();
        assertThat(tooSoon).as("readings sent again sooner than the backoff allows").isEmpty();
    }

    private static boolean succeeded(Exchange e) {
        return e.fault() == Fault.FORWARD && e.status() / 100 == 2;
    }

    /**
     * After a 429 with {@code Retry-After} (1–3 s, within the replica's longest backoff), none of its readings was
     * sent to FHIR again sooner: neither the backoff's shorter draw nor a success of another request brought them
     * forward.
     */
    private static void assertRetryAfterHonoured(List<Exchange> exchanges) {
        int checked = 0;
        for (int i = 0; i < exchanges.size(); i++) {
            Exchange throttled = exchanges.get(i);
            if (throttled.fault() != Fault.THROTTLED || throttled.readingKeys().isEmpty()) {
                continue;
            }
            Instant notBefore = throttled.at().plus(throttled.retryAfter()).minusMillis(100);
            for (Exchange later : exchanges.subList(i + 1, exchanges.size())) {
                if (later.readingKeys().stream().anyMatch(throttled.readingKeys()::contains)) {
                    assertThat(later.at()).as("the next write of readings throttled at %s for %s", throttled.at(),
                            throttled.retryAfter()).isAfterOrEqualTo(notBefore);
                    checked++;
                    break;
                }
            }
        }
        assertThat(checked).as("throttled writes that were retried").isPositive();
    }

    /**
     * The gateway's traffic: each tick a new reading of every device in one message, published twice (as after a
     * lost PUBACK).
     */
    private static final class Publishing {

        final Map<String, Integer> expectedPoints = new ConcurrentHashMap<>();
        private final GatewayPublisher publisher;
        private final HomeMeasurements home;
        private final List<String> cuffs;
        private final String scale;
        private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(2));
        private int ticks;

        Publishing(GatewayPublisher publisher, HomeMeasurements home, List<String> cuffs, String scale) {
            this.publisher = publisher;
            this.home = home;
            this.cuffs = cuffs;
            this.scale = scale;
        }

        void tick() throws Exception {
            List<Reading> message = new ArrayList<>();
            for (String cuff : cuffs) {
                message.add(home.bloodPressure(cuff, base.plusSeconds(ticks), ticks));
            }
            message.add(home.storedWeight(scale, ticks + 1, base.plusSeconds(ticks)));
            ticks++;
            byte[] payload = publisher.batch(message);
            publisher.publishReadings(payload);
            publisher.publishReadings(payload);
            message.forEach(r -> expectedPoints.put(r.key(), r.values().size()));
        }
    }

    private static void publishUntil(Publishing publishing, Instant until) throws Exception {
        while (Instant.now().isBefore(until)) {
            publishing.tick();
            Thread.sleep(PUBLISH_EVERY.toMillis());
        }
    }
}
