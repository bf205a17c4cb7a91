package io.vitalwire.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.quarantine.QuarantineGauges;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Point;
import org.influxdb.dto.Query;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every quarantine reason can be replayed (issue 15, point 3), against the real PostgreSQL, HAPI FHIR and InfluxDB:
 * one entry of each reason is quarantined and replayed, and each replay runs the check the entry failed, with the
 * current code and configuration — what still fails stays quarantined with the new detail, the attempt counted and
 * audited; what passes takes the normal way into FHIR and InfluxDB. The reasons only a person can close are
 * dismissed, or, for a key conflict, decided: the held reading kept, or superseded by the arrived one (its
 * Observation entered-in-error, its points replaced). InfluxDB is a database of this test's own, so that a field
 * type conflict made on purpose refuses nobody else's points.
 */
@MicronautTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EveryReasonReplayIT extends StackTest {

    private static final String OPERATOR = "ops-replay@example.org";

    @Inject
    QuarantineStore store;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry metrics;
    @Inject
    InfluxSink influxSink;
    @Inject
    QuarantineGauges gauges;

    private final String influxDb = "vw_replay_" + run;
    private final InfluxDB influx = InfluxDBFactory.connect(TestStack.SETTINGS.influxUrl());
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private String patient;

    EveryReasonReplayIT() {
        super("gw-every");
    }

    @Override
    protected Map<String, String> overrides() {
        influx.query(new Query("CREATE DATABASE \"" + influxDb + "\"", null, true));
        return Map.of("vitalwire.ingest.influx.database", influxDb);
    }

    @AfterAll
    void dropInfluxDatabase() {
        influx.query(new Query("DROP DATABASE \"" + influxDb + "\"", null, true));
        influx.close();
    }

    private String topic() {
        return GatewayMessages.readingsTopic(TENANT, gateway);
    }

    private String patient() {
        if (patient == null) {
            patient = fixtures.patient();
        }
        return patient;
    }

    @Test
    @Order(1)
    void consumerRefusals_areReplayedByAnOperator_throughTheSameChecks() throws Exception {
        DeviceIdentity scale = registered("SCALE", patient());
        // CONTRACT_VIOLATION, still broken: stays, with the codec's reason, the attempt counted and audited.
        ingest.handle(topic(), "{\"not\":\"a batch\"}".getBytes(StandardCharsets.UTF_8));
        long broken = only(QuarantineReason.CONTRACT_VIOLATION).id();
        // CONTRACT_VIOLATION an older codec refused: decoded now, each reading takes the consumer's checks.
        Reading good = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(50)), "71.5");
        Reading absurd = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(49)), "900");
        store.put(topic(), null, null, QuarantineReason.CONTRACT_VIOLATION, "INVALID_JSON: as an older codec said",
                GatewayMessages.readings(gateway, List.of(good, absurd)));
        long decodable = store.list(new QuarantineStore.Filter(QuarantineReason.CONTRACT_VIOLATION, null),
                Long.MAX_VALUE, 1).get(0).id();

        JsonNode report = replayEntries(broken, decodable);
        assertThat(outcome(report, broken)).isEqualTo("still-quarantined");
        assertThat(outcome(report, decodable)).isEqualTo("decoded");
        awaitSettled(List.of(good));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, good.key())).singleElement()
                .satisfies(o -> assertThat(o.getSubject().getReference()).isEqualTo(patient()));
        assertThat(influxSink.countPoints(good.key())).isEqualTo(1);
        assertThat(store.forReading(absurd.key())).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(QuarantineReason.IMPLAUSIBLE_VALUE);
            assertThat(e.state().name()).isEqualTo("AWAITING");
        });
        QuarantineStore.Entry stillBroken = entry(broken);
        assertThat(stillBroken.state().name()).isEqualTo("AWAITING");
        assertThat(stillBroken.attempts()).isEqualTo(1);
        assertThat(store.audit(broken)).singleElement().satisfies(a -> {
            assertThat(a.actor()).isEqualTo(OPERATOR);
            assertThat(a.outcome()).isEqualTo("still-quarantined");
            assertThat(a.action()).isEqualTo("REPLAY");
            assertThat(a.detail()).isEqualTo(stillBroken.detail());
            assertThat(a.previousDetail()).as("the codec refuses it the same way").isNull();
        });
        assertThat(entry(decodable).replayResult()).isEqualTo("decoded into 2 readings: 1 taken into the inbox (or "
                + "in it already), 1 set aside again, each as an entry");

        // IMPLAUSIBLE_VALUE and IMPLAUSIBLE_TIME from the consumer: the current bounds refuse them still. An entry
        // of a reading the current bounds take (set aside under older, narrower ones) goes in.
        Reading heavy = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(40)), "700");
        Reading farFuture = GatewayReadings.heartRate(gateway, scale, Instant.parse("+300000-01-01T00:00:00Z"), "72");
        ingest.handle(topic(), GatewayMessages.readings(gateway, List.of(heavy, farFuture)));
        Reading narrowed = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(39)), "240");
        store.putReading(topic(), narrowed, QuarantineReason.IMPLAUSIBLE_VALUE, "outside older bounds");
        JsonNode values = admin.json(admin.postAs("/admin/quarantine/replay?reason=IMPLAUSIBLE_VALUE&limit=10", "",
                OPERATOR, "operator"));
        assertThat(values.get("examined").asInt()).isEqualTo(3); // heavy, narrowed, and absurd from the batch
        assertThat(values.get("replayed").asInt()).isEqualTo(1);
        assertThat(outcome(values, only(narrowed.key()).id())).isEqualTo("readded");
        assertThat(outcome(values, only(heavy.key()).id())).isEqualTo("still-quarantined");
        awaitSettled(List.of(narrowed));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, narrowed.key())).hasSize(1);
        JsonNode times = replayEntries(only(farFuture.key()).id());
        assertThat(times.at("/entries/0/outcome").asText()).isEqualTo("still-quarantined");
        assertThat(times.at("/entries/0/detail").asText()).contains("measuredAt");
        // Two days ahead of its arrival three days ago: yesterday by now, but a clock nobody can trust all the same.
        Reading ahead = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofDays(1)), "70.3");
        store.putReading(topic(), ahead, QuarantineReason.IMPLAUSIBLE_TIME, "ahead of this service's clock");
        long aheadId = only(ahead.key()).id();
        sql("UPDATE quarantine SET received_at = received_at - interval '3 days' WHERE id = " + aheadId);
        assertThat(outcome(replayEntries(aheadId), aheadId)).as("judged against its arrival")
                .isEqualTo("still-quarantined");
        assertThat(inbox.trail(ahead.key())).isEmpty();

        // INBOX_REFUSED: PostgreSQL refuses the row (a constraint) — stays with the new SQLSTATE; once the schema
        // takes it, in it goes.
        Reading refused = GatewayReadings.weight(gateway, registered("REFUSE", patient()),
                now.minus(Duration.ofMinutes(30)), "68.0");
        store.putReading(topic(), refused, QuarantineReason.INBOX_REFUSED, "PostgreSQL refused the reading as data "
                + "(SQLSTATE 22008)");
        long refusedId = only(refused.key()).id();
        sql("ALTER TABLE inbox ADD CONSTRAINT replay_test_refuse CHECK (reading_key NOT LIKE '%REFUSE%')");
        JsonNode again = replayEntries(refusedId);
        assertThat(outcome(again, refusedId)).isEqualTo("still-quarantined");
        assertThat(entry(refusedId).detail()).contains("SQLSTATE 23514");
        assertThat(store.audit(refusedId)).singleElement()
                .satisfies(a -> assertThat(a.previousDetail()).contains("22008"));
        sql("ALTER TABLE inbox DROP CONSTRAINT replay_test_refuse");
        assertThat(outcome(replayEntries(refusedId), refusedId)).isEqualTo("readded");
        awaitSettled(List.of(refused));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, refused.key())).hasSize(1);
        assertThat(entry(refusedId).state().name()).isEqualTo("REPLAYED");
        assertThat(entry(refusedId).attempts()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void stageRefusals_goBackIntoTheirStage_andAreSetAsideAgainWhenStillRefused() throws Exception {
        DeviceIdentity scale = registered("OZSCALE", patient());
        // UNMAPPABLE for real: a weight in ounces, which the vital-signs profile refuses (the time series takes it).
        Reading ounces = withUnit(GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(20)), "2500"),
                "[oz_av]");
        send(List.of(ounces));
        long unmappable = only(ounces.key()).id();
        assertThat(entry(unmappable).reason()).isEqualTo(QuarantineReason.UNMAPPABLE);
        assertThat(outcome(replayEntries(unmappable), unmappable)).isEqualTo("requeued");
        awaitSettled(List.of(ounces));
        assertThat(store.forReading(ounces.key())).as("the fhir stage refused it again: a new entry")
                .extracting(e -> e.reason() + " " + e.state())
                .containsExactly("UNMAPPABLE REPLAYED", "UNMAPPABLE AWAITING");

        // INFLUX_REJECTED for real: a field type conflict (unit as a number) in this test's own database, in a shard
        // (a week) of its own, before any point of the sink's set the field's type there.
        Instant weeksAgo = now.minus(Duration.ofDays(60));
        influx.write(influxDb, "autogen", Point.measurement("vitals").time(weeksAgo.toEpochMilli(),
                TimeUnit.MILLISECONDS).tag("patient", "conflict").addField("unit", 1.0).build());
        Reading conflicted = GatewayReadings.weight(gateway, scale, weeksAgo.plusSeconds(1), "70.1");
        send(List.of(conflicted));
        long influxRejected = only(conflicted.key()).id();
        assertThat(entry(influxRejected).reason()).isEqualTo(QuarantineReason.INFLUX_REJECTED);
        assertThat(fixtures.observations(FhirSystems.READING_KEY, conflicted.key())).as("FHIR took it").hasSize(1);
        influx.query(new Query("DROP MEASUREMENT vitals", influxDb, true));
        JsonNode influxReplay = admin.json(admin.postAs("/admin/quarantine/replay?reason=INFLUX_REJECTED&limit=5",
                "", OPERATOR, "operator"));
        assertThat(outcome(influxReplay, influxRejected)).isEqualTo("requeued");
        awaitSettled(List.of(conflicted));
        assertThat(influxSink.countPoints(conflicted.key())).isEqualTo(1);
        assertThat(admin.explain(conflicted.key()).at("/inbox/stages").findValuesAsText("state"))
                .doesNotContain("quarantined");

        // FHIR_REJECTED: the entry as the fhir stage leaves it (its inbox entry QUARANTINED there, the server having
        // refused its write); replayed, the stage writes it again.
        Reading rejected = GatewayReadings.weight(gateway, scale, now.minus(Duration.ofMinutes(18)), "70.2");
        inbox.add(topic(), List.of(rejected), Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> settled(rejected.key()));
        for (Observation o : fixtures.observations(FhirSystems.READING_KEY, rejected.key())) {
            fhir.delete().resourceById(o.getIdElement().toUnqualifiedVersionless()).execute();
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE inbox_delivery SET state = 'QUARANTINED', outcome = 'quarantined FHIR_REJECTED' "
                        + "WHERE stage = 'fhir' AND entry_id = (SELECT id FROM inbox WHERE reading_key = '"
                        + rejected.key() + "')");
            }
            store.insertReading(c, topic(), rejected, QuarantineReason.FHIR_REJECTED, "HTTP 422: profile", "fhir");
            c.commit();
        }
        long fhirRejected = only(rejected.key()).id();
        assertThat(outcome(replayEntries(fhirRejected), fhirRejected)).isEqualTo("requeued");
        await().atMost(Duration.ofSeconds(30)).until(() -> settled(rejected.key()));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, rejected.key())).hasSize(1);
    }

    @Test
    @Order(3)
    void aGatewayMismatch_staysWhenReplayed_andIsClosedByAnAuditedDismissal() throws Exception {
        DeviceIdentity cuff = GatewayReadings.device("FORGED-" + run);
        Reading forged = GatewayReadings.weight("gw-other-" + run, cuff, now.minus(Duration.ofMinutes(10)), "70.0");
        ingest.handle(topic(), GatewayMessages.readings(gateway, List.of(forged)));
        long id = only(forged.key()).id();
        assertThat(entry(id).reason()).isEqualTo(QuarantineReason.GATEWAY_MISMATCH);

        assertThat(outcome(replayEntries(id), id)).isEqualTo("still-quarantined");
        assertThat(admin.postAs("/admin/quarantine/replay?entry=" + id, "", "reader", "auditor").statusCode())
                .as("an auditor replays nothing").isEqualTo(403);
        assertThat(admin.postAs("/admin/quarantine/replay", "", OPERATOR, "operator").statusCode())
                .as("one of device, entry, reason").isEqualTo(400);
        assertThat(admin.postAs("/admin/quarantine/replay?reason=BOGUS", "", OPERATOR, "operator").statusCode())
                .isEqualTo(400);
        assertThat(admin.postAs("/admin/quarantine/" + id + "/dismiss", "{\"note\":\"forged key\"}", "reader",
                "auditor").statusCode()).as("an auditor changes nothing").isEqualTo(403);
        assertThat(admin.postAs("/admin/quarantine/" + id + "/dismiss", "{}", OPERATOR, "operator").statusCode())
                .as("a dismissal says why").isEqualTo(400);
        assertThat(admin.postAs("/admin/quarantine/" + id + "/resolve", "{\"genuine\":\"held\",\"note\":\"n\"}",
                OPERATOR, "operator").statusCode()).as("not a key conflict").isEqualTo(409);
        HttpResponse<String> dismissed = admin.postAs("/admin/quarantine/" + id + "/dismiss",
                "{\"note\":\"gateway replaced; its key was never its own\"}", OPERATOR, "operator");
        assertThat(admin.json(dismissed).get("outcome").asText()).isEqualTo("dismissed");
        assertThat(admin.postAs("/admin/quarantine/" + id + "/dismiss", "{\"note\":\"again\"}", OPERATOR, "operator")
                .statusCode()).as("closed once").isEqualTo(404);

        QuarantineStore.Entry closed = entry(id);
        assertThat(closed.state().name()).isEqualTo("DISMISSED");
        assertThat(closed.payload()).as("kept until the retention purges it").isNotNull();
        assertThat(closed.replayResult()).contains(OPERATOR).contains("its key was never its own");
        assertThat(admin.get("/admin/quarantine/" + id + "/audit")).extracting(a -> a.get("action").asText() + " "
                + a.get("outcome").asText() + " " + a.get("actor").asText())
                .containsExactly("REPLAY still-quarantined " + OPERATOR, "DISMISS dismissed " + OPERATOR);
        assertThat(outcome(replayEntries(id), id)).as("a dismissed entry is not replayed").isNull();
        assertThat(inbox.trail(forged.key())).isEmpty();
    }

    @Test
    @Order(4)
    void aKeyConflict_isDecided_heldKept_orArrivedSupersedingTheHeld() throws Exception {
        DeviceIdentity scale = registered("TWICE", patient());
        Instant at = now.minus(Duration.ofMinutes(5));
        Reading held = GatewayReadings.weight(gateway, scale, at, "80.0");
        Reading arrived = GatewayReadings.weight(gateway, scale, at, "81.0");
        Reading third = GatewayReadings.weight(gateway, scale, at, "82.0");
        send(List.of(held));
        List<Observation> before = fixtures.observations(FhirSystems.READING_KEY, held.key());
        assertThat(before).hasSize(1);
        ingest.handle(topic(), GatewayMessages.readings(gateway, List.of(arrived)));
        ingest.handle(topic(), GatewayMessages.readings(gateway, List.of(third)));
        List<QuarantineStore.Entry> conflicts = store.forReading(held.key());
        assertThat(conflicts).extracting(QuarantineStore.Entry::reason)
                .containsExactly(QuarantineReason.KEY_CONFLICT, QuarantineReason.KEY_CONFLICT);
        long arrivedId = conflicts.get(0).id();
        long thirdId = conflicts.get(1).id();

        assertThat(outcome(replayEntries(arrivedId), arrivedId)).isEqualTo("still-quarantined");
        assertThat(admin.json(admin.postAs("/admin/quarantine/" + thirdId + "/resolve",
                "{\"genuine\":\"held\",\"note\":\"the scale's first record stands\"}", OPERATOR, "operator"))
                .get("outcome").asText()).isEqualTo("kept-held");
        assertThat(entry(thirdId).state().name()).isEqualTo("DISMISSED");

        JsonNode superseded = admin.json(admin.postAs("/admin/quarantine/" + arrivedId + "/resolve",
                "{\"genuine\":\"arrived\",\"note\":\"patient confirmed the second weighing\"}", OPERATOR, "operator"));
        assertThat(superseded.get("outcome").asText()).isEqualTo("superseded");
        awaitSettled(List.of(arrived));

        List<Observation> after = fixtures.observations(FhirSystems.READING_KEY, held.key());
        assertThat(after).hasSize(2);
        Observation withdrawn = after.stream().filter(o -> o.getIdElement().getIdPart()
                .equals(before.get(0).getIdElement().getIdPart())).findFirst().orElseThrow();
        Observation genuine = after.stream().filter(o -> o != withdrawn).findFirst().orElseThrow();
        assertThat(withdrawn.getStatus()).isEqualTo(Observation.ObservationStatus.ENTEREDINERROR);
        assertThat(genuine.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
        assertThat(genuine.getValueQuantity().getValue()).isEqualByComparingTo("81.0");
        assertThat(superseded.get("detail").asText()).contains("Observation/" + withdrawn.getIdElement().getIdPart());
        assertThat(influxSink.countPoints(held.key())).as("one point under the key: the arrived reading's")
                .isEqualTo(1);
        List<List<Object>> points = influx.query(new Query("SELECT value FROM vitals WHERE patient = '"
                + patient().substring(patient().indexOf('/') + 1) + "' AND time = " + (at.toEpochMilli() * 1_000_000L
                + keyOffset(held.key())), influxDb)).getResults().get(0).getSeries().get(0).getValues();
        assertThat(points).singleElement().satisfies(p -> assertThat(((Number) p.get(1)).doubleValue()).isEqualTo(81.0));
        assertThat(entry(arrivedId).state().name()).isEqualTo("REPLAYED");
        assertThat(store.audit(arrivedId)).extracting(a -> a.action() + " " + a.outcome())
                .containsExactly("REPLAY still-quarantined", "TAKE_ARRIVED superseded");
    }

    @Test
    @Order(5)
    void everyReason_hasAReplayPath_andTheGaugeCountsWhatAwaits() throws Exception {
        // The reasons a change of configuration cures: judged by an operator's replay before the change, they stay.
        DeviceIdentity stranger = GatewayReadings.device("NOBODY-" + run);
        for (QuarantineReason reason : QuarantineReplay.SWEPT) {
            Reading r = GatewayReadings.weight(gateway, stranger, now.minus(Duration.ofMinutes(reason.ordinal())),
                    "70.0");
            store.putReading(topic(), r, reason, "as the resolve stage said");
            long id = only(r.key()).id();
            assertThat(outcome(replayEntries(id), id)).as(reason.name()).isEqualTo("still-quarantined");
        }
        gauges.refresh();
        Gauge unbound = metrics.find("vitalwire.ingest.quarantine.awaiting").tag("reason", "UNBOUND_USER").gauge();
        assertThat(unbound.value()).isEqualTo(1);
        assertThat(metrics.find("vitalwire.ingest.quarantine.awaiting").tag("reason", "GATEWAY_MISMATCH").gauge()
                .value()).as("dismissed: not awaiting").isZero();

        Set<QuarantineReason> audited = EnumSet.noneOf(QuarantineReason.class);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT reason FROM quarantine_replay_audit")) {
            while (rs.next()) {
                audited.add(QuarantineReason.valueOf(rs.getString(1)));
            }
        }
        assertThat(audited).as("every reason was replayed by this test").containsExactlyInAnyOrder(
                QuarantineReason.values());
        for (String outcome : List.of("decoded", "readded", "requeued", "still-quarantined", "dismissed",
                "kept-held", "superseded")) {
            Counter counter = metrics.find("vitalwire.ingest.quarantine.replayed").tag("outcome", outcome).counter();
            assertThat(counter).as(outcome).isNotNull();
            assertThat(counter.count()).as(outcome).isPositive();
        }
        assertThat(Arrays.stream(QuarantineReason.values()).filter(r -> !QuarantineReplay.SWEPT.contains(r)))
                .as("the sweep leaves the others to operators")
                .allSatisfy(r -> assertThat(r.cure()).isNotEqualTo(QuarantineReason.Cure.CONFIGURATION));
    }

    private JsonNode replayEntries(long... ids) throws Exception {
        StringBuilder query = new StringBuilder();
        for (long id : ids) {
            query.append(query.isEmpty() ? "?" : "&").append("entry=").append(id);
        }
        return admin.json(admin.postAs("/admin/quarantine/replay" + query, "", OPERATOR, "operator"));
    }

    /** An entry's outcome in a replay's answer; {@code null} when the replay did not judge it. */
    private static String outcome(JsonNode report, long id) {
        for (JsonNode e : report.get("entries")) {
            if (e.get("id").asLong() == id) {
                return e.get("outcome").asText();
            }
        }
        return null;
    }

    private QuarantineStore.Entry entry(long id) {
        return store.list(new QuarantineStore.Filter(null, null), id + 1, 1).get(0);
    }

    private QuarantineStore.Entry only(QuarantineReason reason) {
        List<QuarantineStore.Entry> entries = store.list(new QuarantineStore.Filter(reason, null), Long.MAX_VALUE,
                10);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private QuarantineStore.Entry only(String readingKey) {
        List<QuarantineStore.Entry> entries = store.forReading(readingKey);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static Reading withUnit(Reading r, String unit) {
        ReadingValue v = r.values().get(0);
        return new Reading(r.key(), r.type(), r.mdc(), r.loinc(), List.of(new ReadingValue(v.mdc(), v.loinc(),
                new BigDecimal("2500"), unit)), r.device(), r.sequence(), r.deviceTime(), r.measuredAt(),
                r.receivedAt(), r.clockOffsetMillis(), r.clockQuality(), r.source(), r.flags());
    }

    private static long keyOffset(String key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return Math.floorMod(ByteBuffer.wrap(digest).getLong(), 1_000_000L);
    }
}
