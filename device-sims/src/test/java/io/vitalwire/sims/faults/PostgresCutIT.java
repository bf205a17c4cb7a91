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
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cloud-ingest's link to PostgreSQL black-holed in the middle of a group commit — the inbox insert of a chosen
 * reading reaches PostgreSQL, then nothing passes either way, nothing is refused — for {@link #DEFAULT_CUT}, while a
 * gateway keeps publishing over mutual TLS; then the link returns. The replica must notice within a bound (the
 * datasource's timeouts: a wait for an answer that never comes is the bug this test was written against), say so in
 * {@code /health} (intake and the stage workers), acknowledge nothing meanwhile, retry calmly rather than hammer the
 * link, and afterwards take every reading in once: the inbox, FHIR and InfluxDB each hold each reading exactly once,
 * and the stage workers resumed by themselves.
 *
 * <p>The link is a {@link TcpProxy} of the test's own in front of the stack's PostgreSQL (the shared server keeps
 * serving everyone else); the test's own checks go to PostgreSQL directly. {@code -Dvitalwire.faults.pg-cut=5m}
 * lengthens the cut (see the README's test section).
 */
class PostgresCutIT {

    /** What CI runs: past every timeout of the datasource (30 s at most) and several retries. */
    static final Duration DEFAULT_CUT = Duration.ofSeconds(60);
    /**
     * From the cut to {@code /health} → {@code intake} failing: the group commit in flight waits out the datasource's
     * {@code socketTimeout} (30 s), then reports. Without it, it waits for as long as the cut lasts.
     */
    private static final Duration NOTICE_LIMIT = Duration.ofSeconds(45);
    /** Four messages a second: in a minute more than the consumer's queue (200) holds, so the broker holds the rest. */
    private static final Duration PUBLISH_EVERY = Duration.ofMillis(250);
    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    /** The test's shorter backoff ceilings (defaults 30 s), so that recovery fits CI's time. */
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(10);
    private static final StackSettings STACK = StackSettings.fromEnvironment();

    @TempDir
    Path dir;

    @Test
    void postgresBlackHoledMidGroupCommit_noticedAndRetriedCalmly_everyReadingOnceInInboxFhirAndInflux()
            throws Exception {
        Duration cutLength = FaultLength.of("vitalwire.faults.pg-cut", DEFAULT_CUT);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gateway = "gw-pgcut-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), gateway, TestPki.INGEST);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String patient = provisioner.patient("pgcut-" + run, "Tester", "Cut");
        String cuff = "PGCUT-CUFF-" + run;
        String scale = "PGCUT-SCALE-" + run;
        provisioner.device(cuff, "BP_CUFF", patient);
        provisioner.device(scale, "SCALE", patient);
        SinkLedger sinks = new SinkLedger(STACK);
        URI pg = URI.create(STACK.pgUrl().substring("jdbc:".length()));

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             PostgresSchema schema = PostgresSchema.create(STACK);
             TcpProxy pgRelay = TcpProxy.to(pg.getHost(), pg.getPort())) {
            String throughRelay = "jdbc:postgresql://127.0.0.1:" + pgRelay.port() + pg.getRawPath() + "?currentSchema="
                    + schema.name();
            IngestReplica replica = new IngestReplica("ingest-pgcut-" + run, pki, broker, schema, "pgcut-" + run,
                    STACK.fhirUrl(), STACK.influxUrl(), STACK.influxDb(), Map.of(
                            "datasources.default.url", throughRelay,
                            "vitalwire.ingest.mqtt.max-retry-delay", MAX_RETRY_DELAY.toSeconds() + "s",
                            "vitalwire.ingest.inbox.max-retry-delay", MAX_RETRY_DELAY.toSeconds() + "s",
                            "vitalwire.ingest.inbox.stats-interval", "1s"));
            try (replica; GatewayPublisher publisher = GatewayPublisher.connect(broker, pki, gateway);
                 Stream stream = new Stream(publisher, new HomeMeasurements(gateway), cuff, scale)) {
                replica.start();
                replica.awaitUp();
                // Warm, before the steady stream: the devices looked up, every stage has worked once.
                for (int i = 0; i < 10; i++) {
                    stream.tick();
                }
                sinks.awaitAll(patient, Map.copyOf(stream.expectedPoints), ARRIVAL);
                stream.start();

                // The cut: when the group commit carrying the next message's blood pressure sends its insert.
                String trigger = stream.armOnNext(pgRelay);
                await().atMost(Duration.ofSeconds(15)).until(() -> pgRelay.blackHoledAt() != null);
                Instant cut = pgRelay.blackHoledAt();
                int connectionsAtCut = pgRelay.connections();
                Thread.sleep(1_000);
                double acksAtCut = replica.metric("vitalwire_ingest_acks_total", "outcome=\"sent\"");

                CutWatch watch = new CutWatch();
                Instant restoreAt = cut.plus(cutLength);
                long triggerInInbox = -1;
                while (Instant.now().isBefore(restoreAt)) {
                    watch.look(replica, cut);
                    if (triggerInInbox < 0 && Duration.between(cut, Instant.now()).toSeconds() >= 5) {
                        // PostgreSQL holds the insert in a transaction that never got its commit.
                        triggerInInbox = schema.number("SELECT count(*) FROM inbox WHERE reading_key = '"
                                + trigger.replace("'", "''") + "'");
                    }
                    Thread.sleep(500);
                }
                double acksBeforeRestore = replica.metric("vitalwire_ingest_acks_total", "outcome=\"sent\"");
                int connectionsDuringCut = pgRelay.connections() - connectionsAtCut;
                double commitFailures = replica.metric("vitalwire_ingest_commit_failures_total");
                double workerFailures = replica.metric("vitalwire_ingest_inbox_database_failures_total");
                Instant restored = Instant.now();
                pgRelay.restore();

                Thread.sleep(5_000);
                stream.close();
                Map<String, Integer> expected = Map.copyOf(stream.expectedPoints);
                sinks.awaitAll(patient, expected, ARRIVAL);
                Duration recovery = Duration.between(restored, Instant.now());
                Thread.sleep(3_000);

                System.out.printf(Locale.ROOT, "PostgresCutIT: %d s cut; intake failing after %s (SQLSTATE %s), stages %s after %s; "
                                + "health unanswered %d of %d times; %d connection attempts, %.0f failed group commits, "
                                + "%.0f failed claims during the cut; %d readings (%d messages) in all, every one "
                                + "delivered %d ms after the link returned%n", cutLength.toSeconds(),
                        watch.intakeFailingAfter, watch.intakeSqlState, watch.databaseFailingStages, watch.stagesFailingAfter,
                        watch.unanswered, watch.looks, connectionsDuringCut, commitFailures, workerFailures,
                        expected.size(), stream.messages, recovery.toMillis());

                assertThat(triggerInInbox).as("the insert cut before its commit, invisible meanwhile").isZero();
                assertThat(watch.intakeFailingAfter).as("time until /health shows intake failing").isNotNull()
                        .isLessThan(NOTICE_LIMIT);
                assertThat(watch.intakeCause).as("a cut link is transient").isEqualTo("transient");
                assertThat(watch.databaseFailingStages).as("stage workers reporting PostgreSQL failing")
                        .isNotEmpty();
                assertThat(acksBeforeRestore).as("messages acknowledged while nothing could be made durable")
                        .isEqualTo(acksAtCut);
                // No hot loop: the pool dials while callers wait for it, each attempt waiting out its login timeout
                // (20 s) in a black hole, with a pause between (measured: about 10 a minute); a loop that dialled
                // without bound or pause would dial hundreds.
                assertThat(connectionsDuringCut).as("connection attempts through the cut link")
                        .isLessThanOrEqualTo(2 + (int) (cutLength.toSeconds() / 3));
                // Each failed attempt waited for a timeout (5 s and more) and then for the shared backoff.
                assertThat(commitFailures).as("group commit attempts that failed")
                        .isLessThanOrEqualTo(2 + cutLength.toSeconds() / 5.0);
                assertThat(workerFailures).as("claims that failed, all stage workers together")
                        .isLessThanOrEqualTo(12 * (2 + cutLength.toSeconds() / 5.0));

                sinks.assertExactlyOnce(patient, expected);
                assertThat(schema.number("SELECT count(*) FROM inbox")).as("inbox entries")
                        .isEqualTo(expected.size());
                assertThat(schema.number("SELECT count(DISTINCT reading_key) FROM inbox")).isEqualTo(expected.size());
                assertThat(schema.number("SELECT count(*) FROM inbox_delivery WHERE state <> 'DONE'")).isZero();
                assertThat(schema.number("SELECT count(*) FROM quarantine")).isZero();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    JsonNode health = replica.get("/health");
                    assertThat(health.get("status").asText()).isEqualTo("UP");
                    assertThat(health.at("/details/intake/details/state").asText()).isEqualTo("ok");
                });
            }
        }
    }

    /** What {@code /health} said during the cut: when intake and the stage workers first showed it. */
    private static final class CutWatch {

        Duration intakeFailingAfter;
        String intakeCause;
        String intakeSqlState;
        Duration stagesFailingAfter;
        final Set<String> databaseFailingStages = new TreeSet<>();
        int looks;
        int unanswered;

        void look(IngestReplica replica, Instant cut) throws InterruptedException {
            looks++;
            JsonNode health;
            try {
                health = replica.get("/health");
            } catch (IOException e) {
                unanswered++;
                return;
            }
            Duration since = Duration.between(cut, Instant.now());
            if (intakeFailingAfter == null && "failing".equals(health.at("/details/intake/details/state").asText())) {
                intakeFailingAfter = since;
                intakeCause = health.at("/details/intake/details/cause").asText();
                intakeSqlState = health.at("/details/intake/details/sqlState").asText();
            }
            health.at("/details/inbox/details").fields().forEachRemaining(stage -> {
                if ("database".equals(stage.getValue().path("cause").asText())) {
                    databaseFailingStages.add(stage.getKey());
                    if (stagesFailingAfter == null) {
                        stagesFailingAfter = since;
                    }
                }
            });
        }
    }

    /**
     * The gateway's traffic, on a thread of its own: every {@link #PUBLISH_EVERY} one message with a new blood
     * pressure reading and a new scale record.
     */
    private static final class Stream implements AutoCloseable {

        final Map<String, Integer> expectedPoints = new ConcurrentHashMap<>();
        private final GatewayPublisher publisher;
        private final HomeMeasurements home;
        private final String cuff;
        private final String scale;
        private final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));
        private final Thread thread = new Thread(this::run, "pgcut-gateway");
        private volatile boolean running = true;
        private volatile Exception failure;
        private List<Reading> upcoming;
        int messages;

        Stream(GatewayPublisher publisher, HomeMeasurements home, String cuff, String scale) {
            this.publisher = publisher;
            this.home = home;
            this.cuff = cuff;
            this.scale = scale;
            this.upcoming = readings(0);
        }

        void start() {
            thread.start();
        }

        /** The relay black-holes when the next message's first reading goes to PostgreSQL; its key. */
        synchronized String armOnNext(TcpProxy relay) {
            String key = upcoming.get(0).key();
            relay.blackHoleWhenClientSends(key);
            return key;
        }

        private List<Reading> readings(int n) {
            return List.of(home.bloodPressure(cuff, base.plusSeconds(n), n),
                    home.storedWeight(scale, n + 1, base.plusSeconds(n)));
        }

        private void run() {
            while (running) {
                try {
                    tick();
                    Thread.sleep(PUBLISH_EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    failure = e;
                    return;
                }
            }
        }

        synchronized void tick() throws Exception {
            List<Reading> message = upcoming;
            publisher.publishReadings(publisher.batch(message));
            message.forEach(r -> expectedPoints.put(r.key(), r.values().size()));
            messages++;
            upcoming = readings(messages);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(10_000);
            if (failure != null) {
                throw new IllegalStateException("the gateway's publishing failed", failure);
            }
        }
    }
}
