package io.vitalwire.ingest.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.tasks.CareTasks;
import io.vitalwire.ingest.testing.RecordedOutcomes;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.FhirChaosProxy;
import io.vitalwire.testing.GatewayMessages;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.StackSettings;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The {@code rules} stage given whole claims of many patients, as the inbox's workers give them, on the real
 * PostgreSQL (the inbox's workers are off; the test holds the claims): each alert once, nothing again when the
 * claim is handled again, two stages sharing patients at once neither deadlock nor evaluate a patient twice over,
 * and a patient that cannot be evaluated fails alone.
 */
@MicronautTest
class RulesClaimIT extends StackTest {

    private static final String NORMAL = "36.8";
    private static final String FEVER = "40.1";

    @Inject
    RulesStage rules;
    @Inject
    RulesConfig config;
    @Inject
    RuleStateStore store;
    @Inject
    PatientProfiles profiles;
    @Inject
    Notifier notifier;
    @Inject
    CareTasks tasks;
    @Inject
    MeterRegistry metrics;
    @Inject
    Clock clock;
    @Inject
    DataSource dataSource;

    private final AtomicLong entryIds = new AtomicLong();
    private final Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);

    RulesClaimIT() {
        super("gw-claim");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.inbox.workers-enabled", "false");
    }

    @Test
    void aClaimOfFiftyPatients_raisesEachAlertOnce_andNothingWhenHandledAgain() throws Exception {
        List<String> patients = patients("fifty", 50);
        List<StageEntry> claim = new ArrayList<>();
        for (int i = 0; i < patients.size(); i++) {
            for (int n = 0; n < 3; n++) {
                boolean fever = (i == 7 || i == 31) && n == 1;
                claim.add(temperature(patients.get(i), at.plusSeconds(n * 60L), fever ? FEVER : NORMAL));
            }
        }
        Collections.shuffle(claim);
        double countedBefore = raisedCount();

        RecordedOutcomes first = handle(rules, claim);

        assertThat(first.outcomes()).hasSize(150).allSatisfy((id, outcome) -> assertThat(outcome)
                .isEqualTo("done: evaluated"));
        assertThat(alerts(patients)).containsExactlyInAnyOrder(
                patients.get(7) + " temperature critical " + key(claim, patients.get(7), FEVER),
                patients.get(31) + " temperature critical " + key(claim, patients.get(31), FEVER));
        assertThat(count("SELECT count(*) FROM rule_state WHERE patient = ANY (?)", patients)).isEqualTo(50);
        assertThat(count("SELECT count(*) FROM rule_evaluation WHERE reading_key = ANY (?)", keys(claim)))
                .isEqualTo(150);
        assertThat(count("SELECT count(*) FROM care_task t JOIN alert a ON a.id = t.alert_id "
                + "WHERE a.patient = ANY (?)", patients)).isEqualTo(2);
        assertThat(raisedCount() - countedBefore).isEqualTo(2.0);

        RecordedOutcomes again = handle(rules, claim);

        assertThat(again.outcomes()).hasSize(150).allSatisfy((id, outcome) -> assertThat(outcome)
                .isEqualTo("done: evaluated"));
        assertThat(alerts(patients)).hasSize(2);
        assertThat(raisedCount() - countedBefore).isEqualTo(2.0);
    }

    @Test
    void aPatientWhoWeighed_andWhoseConditionsMustBeAskedOfFhir_holdsBackNoOtherPatientsAlert() throws Exception {
        // The FHIR server as one under load or stuck: every request held 3 s without an answer (the HTTP client
        // tries a GET four times: 12 s before the search fails).
        try (FhirChaosProxy stuck = FhirChaosProxy.start(StackSettings.fromEnvironment().fhirUrl(),
                Duration.ofSeconds(3))) {
            // A context of its own: the search is the client's first request (no capability statement first).
            FhirContext fhirContext = FhirContext.forR4();
            fhirContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
            FhirConditions conditions = new FhirConditions(fhirContext.newRestfulGenericClient(stuck.fhirUrl()),
                    config, clock);
            RulesStage stage = new RulesStage(config, store, new PatientProfiles(conditions, dataSource), notifier,
                    tasks, metrics, clock);
            List<String> patients = patients("weighed", 2);
            StageEntry weight = weight(patients.get(0), at);
            StageEntry fever = temperature(patients.get(1), at, FEVER);
            stuck.chaos(1, Map.of(FhirChaosProxy.Fault.HANG, 1));

            CompletableFuture<RecordedOutcomes> handled = CompletableFuture.supplyAsync(
                    () -> handle(stage, List.of(weight, fever)));

            // The fever's alert is committed while the weighing patient's problem list is still being asked for.
            Awaitility.await().atMost(Duration.ofMillis(2500)).until(() -> alerts(List.of(patients.get(1))).size() == 1);
            assertThat(handled).as("the FHIR search is still unanswered").isNotDone();
            RecordedOutcomes outcomes = handled.get(60, TimeUnit.SECONDS);
            assertThat(outcomes.outcomes()).containsEntry(fever.id(), "done: evaluated")
                    .containsEntry(weight.id(), "failed: UNREACHABLE");
            // Only the search, held until the proxy gave up on it, and the HTTP client's retries of it (each
            // recorded once it ended).
            assertThat(stuck.exchanges()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.method()).isEqualTo("GET");
                assertThat(e.fault()).isEqualTo(FhirChaosProxy.Fault.HANG);
            });
        }
    }

    @Test
    void twoStagesSharingPatients_atOnce_neitherDeadlockNorAlertTwice() throws Exception {
        // A second stage, as on another replica: its own engine, the same PostgreSQL.
        RulesStage other = new RulesStage(config, store, profiles, notifier, tasks, metrics, clock);
        List<String> patients = patients("shared", 40);
        // Patients 0–29 have a fever in one claim, 10–39 a fever a minute later in the other: those in both must be
        // evaluated one claim after the other, so that the second fever is suppressed. The claims list the patients
        // in opposite orders, and both are held up by patient 20's lock (the test holds it) until both wait: locked
        // in claim order, each would hold patients the other waits for once it is released.
        List<StageEntry> one = new ArrayList<>();
        List<StageEntry> two = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            one.add(temperature(patients.get(i), at, FEVER));
            two.add(temperature(patients.get(39 - i), at.plusSeconds(60), FEVER));
        }
        CompletableFuture<RecordedOutcomes> first = null;
        CompletableFuture<RecordedOutcomes> second = null;
        try {
            try (Connection holder = dataSource.getConnection()) {
                holder.setAutoCommit(false);
                store.lock(holder, patients.get(20));
                first = CompletableFuture.supplyAsync(() -> handle(rules, one));
                second = CompletableFuture.supplyAsync(() -> handle(other, two));
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingForLocks(patients) == 2);
                holder.commit();
            }
            assertThat(first.get(30, TimeUnit.SECONDS).outcomes()).hasSize(30).containsOnlyKeys(ids(one))
                    .allSatisfy((id, outcome) -> assertThat(outcome).isEqualTo("done: evaluated"));
            assertThat(second.get(30, TimeUnit.SECONDS).outcomes()).hasSize(30).containsOnlyKeys(ids(two))
                    .allSatisfy((id, outcome) -> assertThat(outcome).isEqualTo("done: evaluated"));
        } finally {
            // Nothing of this test may still run in another's.
            for (CompletableFuture<RecordedOutcomes> claim : Arrays.asList(first, second)) {
                if (claim != null) {
                    claim.handle((r, e) -> r).get(30, TimeUnit.SECONDS);
                }
            }
        }
        List<String> alerts = alerts(patients);
        assertThat(alerts).hasSize(40);
        assertThat(alerts.stream().map(a -> a.substring(0, a.indexOf(' '))).distinct())
                .containsExactlyInAnyOrderElementsOf(patients);
    }

    @Test
    void aPatientWhoseStateIsUnreadable_failsAlone_andIsEvaluatedOnceRepaired() throws Exception {
        List<String> patients = patients("broken", 5);
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO rule_state (patient, tenant, state, "
                     + "updated_at) VALUES (?, 'test', '[1, 2]'::jsonb, now())")) {
            insert.setString(1, patients.get(2));
            insert.executeUpdate();
        }
        List<StageEntry> claim = new ArrayList<>();
        for (String patient : patients) {
            claim.add(temperature(patient, at, FEVER));
        }

        RecordedOutcomes outcomes = handle(rules, claim);

        assertThat(outcomes.outcomes()).hasSize(5);
        for (StageEntry e : claim) {
            boolean broken = e.owner().patientId().equals(patients.get(2));
            assertThat(outcomes.outcomes().get(e.id())).isEqualTo(broken ? "failed: ERROR" : "done: evaluated");
        }
        assertThat(alerts(patients)).hasSize(4).noneMatch(a -> a.startsWith(patients.get(2) + " "));
        assertThat(count("SELECT count(*) FROM rule_evaluation WHERE reading_key = ANY (?)", keys(claim)))
                .isEqualTo(4);

        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM rule_state WHERE patient = ?")) {
            delete.setString(1, patients.get(2));
            delete.executeUpdate();
        }
        RecordedOutcomes retried = handle(rules, claim);

        assertThat(retried.outcomes().values()).hasSize(5).containsOnly("done: evaluated");
        assertThat(alerts(patients)).hasSize(5);
    }

    private List<String> patients(String name, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(name + "-" + run + "-" + i);
        }
        return ids;
    }

    /** A body temperature of the patient's thermometer, as the rules stage is given it. */
    private StageEntry temperature(String patient, Instant measured, String celsius) {
        DeviceIdentity thermometer = GatewayReadings.device("THERMO-" + patient);
        String deviceTime = measured.toString();
        Reading reading = new Reading(ReadingKey.of(gateway, thermometer, null, deviceTime, measured, "150364"),
                MeasurementType.BODY_TEMPERATURE, "150364", null,
                List.of(new ReadingValue("150364", null, new BigDecimal(celsius), "Cel")), thermometer, null,
                deviceTime, measured, measured, null, ClockQuality.SYNCED, new Source(Transport.COAP, "/readings"),
                List.of());
        return new StageEntry(entryIds.incrementAndGet(), GatewayMessages.readingsTopic(TENANT, gateway),
                "sn." + thermometer.serial(), measured.plusSeconds(1), reading,
                new Owner("Patient/" + patient, "Device/" + thermometer.serial()), 0);
    }

    /** A body weight on the patient's scale, as the rules stage is given it. */
    private StageEntry weight(String patient, Instant measured) {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + patient);
        Reading reading = GatewayReadings.weight(gateway, scale, measured, "80.4");
        return new StageEntry(entryIds.incrementAndGet(), GatewayMessages.readingsTopic(TENANT, gateway),
                "sn." + scale.serial(), measured.plusSeconds(1), reading,
                new Owner("Patient/" + patient, "Device/" + scale.serial()), 0);
    }

    private static RecordedOutcomes handle(RulesStage stage, List<StageEntry> claim) {
        RecordedOutcomes batch = new RecordedOutcomes(claim);
        stage.handle(batch);
        return batch;
    }

    /** Transactions waiting for one of the patients' locks ({@link RuleStateStore#lock}). */
    private long waitingForLocks(List<String> patients) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = "
                     + "'advisory' AND NOT granted AND objsubid = 2 AND classid::bigint = ? "
                     + "AND objid::bigint = ANY (?)")) {
            select.setLong(1, RuleStateStore.LOCK_NAMESPACE);
            select.setArray(2, c.createArrayOf("int8", patients.stream()
                    .map(p -> Integer.toUnsignedLong(RuleStateStore.lockKey(p))).toArray()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String key(List<StageEntry> claim, String patient, String celsius) {
        return claim.stream().filter(e -> e.owner().patientId().equals(patient))
                .filter(e -> e.reading().values().get(0).value().compareTo(new BigDecimal(celsius)) == 0)
                .map(StageEntry::readingKey).findFirst().orElseThrow();
    }

    private static List<String> keys(List<StageEntry> claim) {
        return claim.stream().map(StageEntry::readingKey).toList();
    }

    private static List<Long> ids(List<StageEntry> claim) {
        return claim.stream().map(StageEntry::id).toList();
    }

    private double raisedCount() {
        return metrics.find("vitalwire.ingest.alerts.raised").tag("rule", "temperature").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** The patients' alerts, as {@code patient rule severity reading-key}. */
    private List<String> alerts(List<String> patients) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT patient, rule, severity, reading_key FROM alert "
                     + "WHERE patient = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", patients.toArray()));
            List<String> found = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " "
                            + rs.getString(4));
                }
            }
            return found;
        }
    }

    private long count(String query, List<String> values) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(query)) {
            select.setArray(1, c.createArrayOf("text", values.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
