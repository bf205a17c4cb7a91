package io.vitalwire.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.pipeline.Tally;
import io.vitalwire.ingest.pipeline.TestStages;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inbox's store on the real PostgreSQL, with this context's workers off so that the test holds the claims:
 * one entry per reading key, whole devices per claim in measurement order, no device in two claims at once,
 * device-wide backoff, transitions that commit together or not at all, and the purge.
 */
@MicronautTest
class InboxClaimIT extends StackTest {

    private static final Owner OWNER = new Owner("Patient/1", "Device/2");

    @Inject
    InboxStore store;
    @Inject
    QuarantineStore quarantine;
    @Inject
    DataSource dataSource;
    @Inject
    InboxConfig config;
    @Inject
    InboxSignals signals;
    @Inject
    StageHealth health;
    @Inject
    MeterRegistry metrics;

    InboxClaimIT() {
        super("gw-inbox");
    }

    @Override
    protected Map<String, String> overrides() {
        // A failed entry waits an hour: long enough that no claim of the test finds it due by itself.
        // Lingering 2 s after a claim that took everything due: longer than any wake-up takes, so the test sees it.
        return Map.of("vitalwire.ingest.inbox.workers-enabled", "false",
                "vitalwire.ingest.inbox.retry-delay", "1h", "vitalwire.ingest.inbox.max-retry-delay", "2h",
                "vitalwire.ingest.inbox.linger", "2s");
    }

    @BeforeEach
    void emptyInbox() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM inbox");
            s.execute("DELETE FROM patient_reading_day");
        }
    }

    @Test
    void add_keepsOneEntryPerReadingKey_acrossMessagesAndWithinOne() {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Reading r1 = weight(scale, at);
        Reading r2 = weight(scale, at.plusSeconds(1));
        Reading r3 = weight(scale, at.plusSeconds(2));

        assertThat(store.add(topic(), List.of(r1, r2), Instant.now())).isEqualTo(new InboxStore.Added(2, 0, 0));
        assertThat(store.add(topic(), List.of(r3, r2, r3), Instant.now())).isEqualTo(new InboxStore.Added(1, 2, 0));

        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            assertThat(claim.entries()).extracting(StageEntry::readingKey).containsExactly(r1.key(), r2.key(),
                    r3.key());
        }
        assertThat(store.trail(r2.key()).orElseThrow().stages()).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(InboxState.PENDING));
    }

    @Test
    void aStageThatThrowsAnError_failsItsClaimWithBackoff_andTheWorkerLivesOn() {
        DeviceIdentity scale = GatewayReadings.device("THROWS-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Reading> readings = List.of(weight(scale, at), weight(scale, at.plusSeconds(1)));
        store.add(topic(), readings, Instant.now());
        Stage throwing = new Stage() {
            @Override
            public String name() {
                return "resolve";
            }

            @Override
            public void handle(StageBatch batch) {
                throw new StackOverflowError();
            }
        };
        Pipeline pipeline = Pipeline.startWith(throwing, 1).build();
        StageWorker worker = new StageWorker(pipeline, pipeline.step("resolve"), Lane.ALL, store, config, signals,
                health, quarantine, metrics, Clock.systemUTC());

        assertThat(worker.drainOnce()).as("the claim was taken and settled, not thrown out").isEqualTo(2);

        for (Reading r : readings) {
            assertThat(store.trail(r.key()).orElseThrow().stages()).singleElement().satisfies(t -> {
                assertThat(t.state()).isEqualTo(InboxState.PENDING);
                assertThat(t.attempts()).isEqualTo(1);
                assertThat(t.lastError()).isEqualTo("error: the stage threw java.lang.StackOverflowError");
            });
        }
        assertThat(store.claim("resolve", 100, 100, Instant.now())).as("backing off, not claimed again at once")
                .isEmpty();
    }

    /** The server's Retry-After outlasts the 1 h draw here: honoured, up to the 2 h longest backoff. */
    @Test
    void aFailureWithRetryAfter_waitsWhatTheServerAskedFor_upToTheLongestBackoff() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading asked = weight(GatewayReadings.device("ASKED-" + run), at);
        Reading greedy = weight(GatewayReadings.device("GREEDY-" + run), at);
        store.add(topic(), List.of(asked, greedy), Instant.now());
        Instant now = Instant.now();
        try (InboxClaim claim = store.claim("resolve", 100, 100, now).orElseThrow()) {
            Failure throttled = new Failure(Failure.Cause.SERVER_ERROR, "HTTP 429");
            for (StageEntry e : claim.entries()) {
                claim.failed(List.of(e), throttled.withRetryAfter(e.readingKey().equals(asked.key())
                        ? Duration.ofMinutes(90) : Duration.ofHours(5)));
            }
            claim.commit();
        }
        assertThat(store.trail(asked.key()).orElseThrow().stages().get(0).nextAt())
                .isBetween(now.plus(Duration.ofMinutes(90)), Instant.now().plus(Duration.ofMinutes(90)));
        assertThat(store.trail(greedy.key()).orElseThrow().stages().get(0).nextAt())
                .isBetween(now.plus(Duration.ofHours(2)), Instant.now().plus(Duration.ofHours(2)));
    }

    /**
     * The stage works again while the server's pause lasts (one request got through a throttling server): the
     * readings waiting for it are brought forward to the pause's end, not to now.
     */
    @Test
    void theStageWorkingAgainDuringTheServersPause_bringsWaitingReadingsForwardOnlyToThePausesEnd() {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading waiting = weight(GatewayReadings.device("WAITING-" + run), at);
        store.add(topic(), List.of(waiting), Instant.now());
        Failure[] next = {new Failure(Failure.Cause.SERVER_ERROR, "HTTP 429").withRetryAfter(Duration.ofMinutes(30))};
        Stage scripted = new Stage() {
            @Override
            public String name() {
                return "resolve";
            }

            @Override
            public void handle(StageBatch batch) {
                if (next[0] != null) {
                    batch.failed(batch.entries(), next[0]);
                } else {
                    batch.entries().forEach(e -> batch.owned(e, OWNER, "owned through Device/2"));
                }
            }
        };
        Pipeline pipeline = Pipeline.startWith(scripted, 1).build();
        StageWorker worker = new StageWorker(pipeline, pipeline.step("resolve"), Lane.ALL, store, config, signals,
                new StageHealth(), quarantine, metrics, Clock.systemUTC());
        Instant failedAt = Instant.now();
        assertThat(worker.drainOnce()).isEqualTo(1);
        assertThat(store.trail(waiting.key()).orElseThrow().stages().get(0).nextAt()).as("the 1 h draw")
                .isAfter(failedAt.plus(Duration.ofMinutes(59)));

        next[0] = null;
        Reading fresh = weight(GatewayReadings.device("FRESH-" + run), at);
        store.add(topic(), List.of(fresh), Instant.now());
        assertThat(worker.drainOnce()).as("the stage works again").isEqualTo(1);

        assertThat(store.trail(waiting.key()).orElseThrow().stages().get(0).nextAt())
                .as("released to the end of the server's pause, not to now")
                .isBetween(failedAt.plus(Duration.ofMinutes(30)), Instant.now().plus(Duration.ofMinutes(30)));
    }

    @Test
    void aClaim_takesWholeDevicesInMeasurementOrder_andNoDeviceIsInTwoClaimsAtOnce() {
        DeviceIdentity x = GatewayReadings.device("X-" + run);
        DeviceIdentity y = GatewayReadings.device("Y-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        // Arrived out of measurement order, in two messages.
        List<Reading> xs = List.of(weight(x, at.plusSeconds(4)), weight(x, at), weight(x, at.plusSeconds(2)));
        store.add(topic(), xs.subList(0, 2), Instant.now().minusSeconds(2));
        store.add(topic(), List.of(xs.get(2), weight(x, at.plusSeconds(9))), Instant.now().minusSeconds(1));
        store.add(topic(), List.of(weight(y, at.plusSeconds(1)), weight(y, at.plusSeconds(3))), Instant.now());

        try (InboxClaim first = store.claim("resolve", 3, 100, Instant.now()).orElseThrow();
             InboxClaim second = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            assertThat(first.entries()).extracting(StageEntry::device).containsOnly(x.stableId());
            assertThat(first.entries()).extracting(StageEntry::measuredAt)
                    .containsExactly(at, at.plusSeconds(2), at.plusSeconds(4));
            assertThat(second.entries()).as("x's fourth entry stays with x's claim holder")
                    .extracting(StageEntry::device).containsOnly(y.stableId());
            assertThat(store.claim("resolve", 100, 100, Instant.now())).isEmpty();
        }
        try (InboxClaim again = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            assertThat(again.entries()).as("closed without commit: pending again").hasSize(6);
        }
    }

    /**
     * While its stage works, a claim holds device locks and nothing else: no transaction id, no snapshot. Either
     * would hold PostgreSQL's horizon of dead rows back for the whole claim (seconds when the FHIR server is slow),
     * and every other claim's scan of the pending rows would wade through all row versions since.
     */
    @Test
    void anOpenClaim_holdsNeitherATransactionIdNorASnapshot_untilItCommits() throws Exception {
        DeviceIdentity x = GatewayReadings.device("X-" + run);
        store.add(topic(), List.of(weight(x, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5))),
                Instant.now());
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow();
             Connection c = dataSource.getConnection();
             Statement select = c.createStatement()) {
            assertThat(claim.entries()).hasSize(1);
            var open = select.executeQuery("SELECT backend_xid IS NULL, backend_xmin IS NULL FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    + "AND state = 'idle in transaction'");
            assertThat(open.next()).as("the claim's transaction is open").isTrue();
            assertThat(open.getBoolean(1)).as("no transaction id").isTrue();
            assertThat(open.getBoolean(2)).as("no snapshot").isTrue();
            assertThat(open.next()).as("only the claim's").isFalse();
        }
    }

    /**
     * Under many streams, a stage's own workers claimed a few entries at a time, each claim a scan, a commit and a
     * call to the service: after a claim that took everything due, the worker lingers, and what arrives meanwhile
     * goes into one claim. The express lane claims at once.
     */
    @Test
    void afterAClaimThatTookEverythingDue_theStagesOwnLaneLingers_andTheExpressLaneDoesNot() throws Exception {
        DeviceIdentity strap = GatewayReadings.device("STRAP-" + run);
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        BlockingQueue<List<String>> claims = new LinkedBlockingQueue<>();
        Stage recording = new Stage() {
            @Override
            public String name() {
                return "resolve";
            }

            @Override
            public void handle(StageBatch batch) {
                claims.add(batch.entries().stream().map(StageEntry::readingKey).toList());
                batch.entries().forEach(e -> batch.owned(e, OWNER, "owned"));
            }
        };
        Pipeline pipeline = Pipeline.startWith(recording, 1).build();
        for (Lane lane : List.of(Lane.OTHERS, Lane.EXPRESS)) {
            DeviceIdentity device = lane == Lane.OTHERS ? strap : scale;
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readings.add(lane == Lane.OTHERS ? GatewayReadings.heartRate(gateway, device, at.plusSeconds(i), "72")
                        : weight(device, at.plusSeconds(i)));
            }
            StageWorker worker = new StageWorker(pipeline, pipeline.step("resolve"), lane, store, config, signals,
                    health, quarantine, metrics, Clock.systemUTC());
            Thread thread = new Thread(worker, "linger-" + lane);
            thread.start();
            try {
                store.add(topic(), readings.subList(0, 1), Instant.now());
                signals.wake("resolve");
                assertThat(claims.poll(5, TimeUnit.SECONDS)).as(lane + ": the first claim")
                        .containsExactly(readings.get(0).key());
                long firstDone = System.nanoTime();
                store.add(topic(), readings.subList(1, 2), Instant.now());
                signals.wake("resolve");
                Thread.sleep(300);
                store.add(topic(), readings.subList(2, 3), Instant.now());
                signals.wake("resolve");
                List<String> next = claims.poll(5, TimeUnit.SECONDS);
                Duration waited = Duration.ofNanos(System.nanoTime() - firstDone);
                if (lane == Lane.OTHERS) {
                    assertThat(next).as("what arrived while it lingered, in one claim")
                            .containsExactly(readings.get(1).key(), readings.get(2).key());
                    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
                } else {
                    assertThat(next).as("the express lane claims at once").containsExactly(readings.get(1).key());
                    assertThat(waited).isLessThan(Duration.ofMillis(1900));
                    assertThat(claims.poll(5, TimeUnit.SECONDS))
                            .containsExactly(readings.get(2).key());
                }
            } finally {
                worker.stop();
                thread.join(5_000);
            }
        }
    }

    @Test
    void theExpressLane_takesOnlyReadingsThatMayAlertAtOnce_inEveryStage() {
        DeviceIdentity strap = GatewayReadings.device("STRAP-" + run);
        DeviceIdentity scale = GatewayReadings.device("EXPRESS-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        // The stream arrived first: in arrival order its samples would be claimed before the weighing.
        List<Reading> stream = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stream.add(GatewayReadings.heartRate(gateway, strap, at.plusSeconds(i), "72"));
        }
        store.add(topic(), stream, Instant.now().minusSeconds(5));
        Reading weighing = weight(scale, at.plusSeconds(30));
        store.add(topic(), List.of(weighing), Instant.now());

        try (InboxClaim express = store.claim("resolve", Lane.EXPRESS, 2, 100, Instant.now()).orElseThrow()) {
            assertThat(express.entries()).extracting(StageEntry::readingKey).containsExactly(weighing.key());
            express.owned(express.entries().get(0), OWNER, "owned");
            express.commit();
        }
        assertThat(store.claim("resolve", Lane.EXPRESS, 100, 100, Instant.now())).as("streams are not express")
                .isEmpty();
        for (String next : List.of("fhir", "influx", "rules")) {
            try (InboxClaim express = store.claim(next, Lane.EXPRESS, 100, 100, Instant.now()).orElseThrow()) {
                assertThat(express.entries()).as(next + " keeps the mark").extracting(StageEntry::readingKey)
                        .containsExactly(weighing.key());
            }
        }
        try (InboxClaim all = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            assertThat(all.entries()).as("the stream's samples wait for the stage's own workers")
                    .extracting(StageEntry::readingKey).containsExactlyElementsOf(stream.stream().map(Reading::key)
                            .toList());
        }
    }

    @Test
    void aDevicesBacklog_isTakenInSlices_besideOtherDevicesReadings() {
        DeviceIdentity backlog = GatewayReadings.device("BACKLOG-" + run);
        DeviceIdentity live = GatewayReadings.device("LIVE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));
        List<Reading> days = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            days.add(weight(backlog, at.plusSeconds(i)));
        }
        store.add(topic(), days, Instant.now().minusSeconds(5));
        Reading now = weight(live, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        store.add(topic(), List.of(now), Instant.now());

        try (InboxClaim claim = store.claim("resolve", 10, 3, Instant.now()).orElseThrow()) {
            assertThat(claim.entries()).extracting(StageEntry::readingKey).containsExactly(days.get(0).key(),
                    days.get(1).key(), days.get(2).key(), now.key());
        }
    }

    @Test
    void aFailedEntry_holdsBackItsWholeDevice_untilDueOrTheStageWorksAgain() {
        DeviceIdentity x = GatewayReadings.device("X-" + run);
        DeviceIdentity y = GatewayReadings.device("Y-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading first = weight(x, at);
        store.add(topic(), List.of(first), Instant.now());
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            claim.failed(List.of(claim.entries().get(0)),
                    new Failure(Failure.Cause.UNREACHABLE, "Connection refused"));
            claim.commit();
        }
        Reading later = weight(x, at.plusSeconds(5));
        Reading other = weight(y, at.plusSeconds(5));
        store.add(topic(), List.of(later, other), Instant.now());

        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            assertThat(claim.entries()).extracting(StageEntry::readingKey).containsExactly(other.key());
        }
        InboxStore.StageTrail failed = store.trail(first.key()).orElseThrow().stages().get(0);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.lastError()).isEqualTo("unreachable: Connection refused");
        assertThat(store.depth().get("resolve")).satisfies(d -> {
            assertThat(d.pending()).isEqualTo(3);
            assertThat(d.retrying()).isEqualTo(1);
        });

        assertThat(store.releaseBackoff("resolve", Instant.now())).isEqualTo(1);
        Instant now = Instant.now().plusMillis(1);
        try (InboxClaim claim = store.claim("resolve", 100, 100, now).orElseThrow()) {
            assertThat(claim.entries()).extracting(StageEntry::readingKey)
                    .containsExactly(first.key(), later.key(), other.key());
            assertThat(claim.entries().get(0).attempts()).isEqualTo(1);
        }
    }

    @Test
    void transitions_commitTogether_andResolvedEntriesGoOnToEveryStageDeclaredAfterResolve() {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading kept = weight(scale, at);
        Reading refused = weight(scale, at.plusSeconds(1));
        store.add(topic(), List.of(kept, refused), Instant.now());
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            claim.owned(claim.entries().get(0), OWNER, "owned through Device/2");
        }
        assertThat(store.trail(kept.key()).orElseThrow().stages()).as("not committed: nothing recorded")
                .extracting(InboxStore.StageTrail::state).containsExactly(InboxState.PENDING);
        assertThat(readingDays(OWNER)).as("nor counted").isEmpty();

        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            claim.owned(claim.entries().get(0), OWNER, "owned through Device/2");
            claim.quarantined(claim.entries().get(1), QuarantineReason.UNASSIGNED_DEVICE, "no assignment");
            assertThat(claim.commit()).extracting(InboxClaim.Settled::state)
                    .containsExactly(InboxState.DONE, InboxState.QUARANTINED);
        }
        assertThat(store.trail(kept.key()).orElseThrow().stages())
                .extracting(InboxStore.StageTrail::stage, InboxStore.StageTrail::state)
                .containsExactly(tuple("resolve", InboxState.DONE),
                        tuple("fhir", InboxState.PENDING),
                        tuple("influx", InboxState.PENDING),
                        tuple("rules", InboxState.PENDING));
        assertThat(readingDays(OWNER)).as("the reading-days tally, committed with resolve")
                .containsExactly(at.atZone(ZoneOffset.UTC).toLocalDate() + " " + at);
        assertThat(quarantine.forReading(refused.key())).singleElement()
                .satisfies(q -> {
                    assertThat(q.reason()).isEqualTo(QuarantineReason.UNASSIGNED_DEVICE);
                    assertThat(q.stage()).isEqualTo("resolve");
                });

        Optional<InboxClaim> influx = store.claim("influx", 100, 100, Instant.now());
        try (InboxClaim claim = influx.orElseThrow()) {
            StageEntry e = claim.entries().get(0);
            assertThat(e.owner()).as("every later stage reads the owner resolve decided").isEqualTo(OWNER);
            claim.done(e, "written 1 points");
            claim.commit();
        }
        assertThat(store.trail(kept.key()).orElseThrow().stages())
                .extracting(InboxStore.StageTrail::state)
                .containsExactly(InboxState.DONE, InboxState.PENDING, InboxState.DONE, InboxState.PENDING);
    }

    @Test
    void purge_deletesOnlyEntriesEveryStageFinishedBeforeTheCutoff() {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        Reading finished = weight(scale, at);
        store.add(topic(), List.of(finished), Instant.now());
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            claim.quarantined(claim.entries().get(0), QuarantineReason.UNKNOWN_DEVICE, "unknown");
            claim.commit();
        }
        Reading waiting = weight(scale, at.plusSeconds(1));
        store.add(topic(), List.of(waiting), Instant.now());

        assertThat(store.purge(Instant.now().minus(Duration.ofDays(1)))).as("within the retention").isZero();
        assertThat(store.purge(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(store.trail(finished.key())).isEmpty();
        assertThat(store.trail(waiting.key())).as("pending entries are never purged").isPresent();
    }

    @Test
    void aClaim_refusesASecondOutcomeForAnEntry_andACommitThatLeavesOneWithout() {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        store.add(topic(), List.of(weight(scale, at), weight(scale, at.plusSeconds(1))), Instant.now());
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            StageEntry first = claim.entries().get(0);
            claim.done(first, "done once");
            assertThatThrownBy(() -> claim.quarantined(first, QuarantineReason.UNKNOWN_DEVICE, "twice"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("two outcomes");
            assertThatThrownBy(claim::commit).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("without an outcome");
        }
        assertThat(store.depth().get("resolve").pending()).as("nothing recorded").isEqualTo(2);
    }

    @Test
    void requeue_putsOnlyAQuarantinedEntryBackIntoItsStage_dueAtOnce_withNoAttempts() throws Exception {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        Reading reading = weight(scale, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
        store.add(topic(), List.of(reading), Instant.now());
        try (Connection c = dataSource.getConnection()) {
            assertThat(store.requeue(c, reading.key(), "resolve", Instant.now())).as("pending, not quarantined")
                    .isFalse();
        }
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now()).orElseThrow()) {
            claim.quarantined(claim.entries().get(0), QuarantineReason.UNKNOWN_DEVICE, "unknown");
            claim.commit();
        }
        try (Connection c = dataSource.getConnection()) {
            assertThat(store.requeue(c, reading.key(), "fhir", Instant.now())).as("not in that stage").isFalse();
            assertThat(store.requeue(c, reading.key(), "resolve", Instant.now())).isTrue();
            assertThat(store.requeue(c, reading.key(), "resolve", Instant.now())).as("once").isFalse();
        }
        InboxStore.StageTrail trail = store.trail(reading.key()).orElseThrow().stages().get(0);
        assertThat(trail.state()).isEqualTo(InboxState.PENDING);
        assertThat(trail.attempts()).isZero();
        assertThat(trail.outcome()).isNull();
        try (InboxClaim claim = store.claim("resolve", 100, 100, Instant.now().plusMillis(1)).orElseThrow()) {
            assertThat(claim.entries()).extracting(StageEntry::readingKey).containsExactly(reading.key());
        }
    }

    /**
     * A tally is written in the commit of the stage it follows, with the owners that stage decided, and fails with
     * it: nothing of the claim is recorded, and its entries are pending again, as after a crash.
     */
    @Test
    void aTally_isWrittenInTheStagesCommitWithItsOwners_andFailsWithIt() {
        DeviceIdentity scale = GatewayReadings.device("TALLY-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<Reading> readings = List.of(weight(scale, at), weight(scale, at.plusSeconds(1)));
        Stage owning = TestStages.named("resolve", batch -> batch.entries().forEach(e -> batch.owned(e, OWNER, "owned")));
        Stage later = TestStages.named("later", batch -> batch.entries().forEach(e -> batch.done(e, "done")));
        boolean[] failing = {true};
        List<StageEntry> tallied = new ArrayList<>();
        Tally tally = new Tally() {
            @Override
            public String name() {
                return "counted";
            }

            @Override
            public void record(Connection transaction, List<StageEntry> finished) throws SQLException {
                assertThat(transaction.getAutoCommit()).as("in the stage's transaction").isFalse();
                if (failing[0]) {
                    throw new SQLException("could not extend file: No space left on device", "53100");
                }
                tallied.addAll(finished);
            }
        };
        Pipeline pipeline = Pipeline.startWith(owning, 1).then(owning, later, 1).tally(owning, tally).build();
        InboxStore tallying = new InboxStore(dataSource, quarantine, pipeline, Clock.systemUTC(), config);
        tallying.add(topic(), readings, Instant.now());
        StageWorker worker = new StageWorker(pipeline, pipeline.step("resolve"), Lane.ALL, tallying, config, signals,
                health, quarantine, metrics, Clock.systemUTC());

        assertThatThrownBy(worker::drainOnce).hasMessageContaining("No space left on device");
        for (Reading r : readings) {
            assertThat(tallying.trail(r.key()).orElseThrow().stages()).as("nothing of the claim recorded")
                    .singleElement().satisfies(t -> {
                        assertThat(t.state()).isEqualTo(InboxState.PENDING);
                        assertThat(t.attempts()).isZero();
                    });
        }

        failing[0] = false;
        assertThat(worker.drainOnce()).as("claimed again at once, as after a crash").isEqualTo(2);
        assertThat(tallied).extracting(StageEntry::readingKey).containsExactly(readings.get(0).key(),
                readings.get(1).key());
        assertThat(tallied).extracting(StageEntry::owner).containsOnly(OWNER);
        assertThat(tallying.trail(readings.get(0).key()).orElseThrow().stages())
                .extracting(InboxStore.StageTrail::stage, InboxStore.StageTrail::state)
                .containsExactly(tuple("resolve", InboxState.DONE), tuple("later", InboxState.PENDING));
    }

    /** The owner's days in patient_reading_day as "day first_measured_at", for this test's tenant. */
    private List<String> readingDays(Owner owner) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT day, first_measured_at "
                     + "FROM patient_reading_day WHERE tenant = ? AND patient = ? ORDER BY day")) {
            select.setString(1, TENANT);
            select.setString(2, owner.patientId());
            List<String> days = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    days.add(rs.getDate(1).toLocalDate() + " " + rs.getTimestamp(2).toInstant());
                }
            }
            return days;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String topic() {
        return GatewayMessages.readingsTopic(TENANT, gateway);
    }

    private Reading weight(DeviceIdentity device, Instant at) {
        return GatewayReadings.weight(gateway, device, at, "70.0");
    }
}
