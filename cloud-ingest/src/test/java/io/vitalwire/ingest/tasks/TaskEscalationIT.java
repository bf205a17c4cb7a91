package io.vitalwire.ingest.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Escalation with a short configured delay (2 s), the context's Task workers on: a critical alert nobody acknowledged
 * escalates once however many sweeps run at once — a second webhook event queued, the Task handed to the physician
 * licensed in the patient's state — and warnings or acknowledged alerts never do.
 */
@MicronautTest
class TaskEscalationIT extends StackTest {

    private static final Duration ESCALATE_AFTER = Duration.ofSeconds(2);
    private static final Duration WRITTEN = Duration.ofSeconds(20);

    @Inject
    CareTaskWorkers workers;
    @Inject
    Escalations escalations;
    @Inject
    AlertLedger ledger;
    @Inject
    Clock clock;
    @Inject
    TaskAlerts alerts;


    TaskEscalationIT() {
        super("gw-escalate");
    }

    @Override
    protected Map<String, String> overrides() {
        return TaskAlerts.properties(Map.of(
                "vitalwire.ingest.tasks.escalate-after", ESCALATE_AFTER.toMillis() + "ms",
                // The tests sweep themselves, several at once.
                "vitalwire.ingest.tasks.escalation-enabled", "false",
                "vitalwire.ingest.tasks.poll-interval", "500ms"));
    }

    @BeforeAll
    void webhook() {
        alerts.webhookForEveryAlert();
    }

    /** Runs before StackTest drops the schema: the workers would otherwise poll a schema that is gone. */
    @AfterAll
    void stopWorkers() throws InterruptedException {
        workers.close();
    }

    @Test
    void aCriticalAlertNotAcknowledgedInTime_escalatesOnce_toThePhysicianLicensedInTheState() throws Exception {
        Team team = team("MA", "Massachusetts Board of Registration in Medicine");
        AlertNotice alert = alerts.raise(notice("critical", team));
        Task raised = written(alert, t -> t.getPriority() == Task.TaskPriority.STAT);
        assertThat(raised.getOwner().getReference()).isEqualTo(team.nurse());

        awaitOverdue(alert);
        assertThat(sweepConcurrently(3)).isPositive();
        assertThat(escalations.sweep(clock.instant())).isZero();

        JsonNode escalated = admin.get("/admin/alerts/" + alert.id());
        assertThat(escalated.get("state").asText()).isEqualTo("ESCALATED");
        assertThat(escalated.get("escalatedAt").isNull()).isFalse();
        assertThat(alerts.webhookEvents(alert.id())).containsExactly("alert.raised", "alert.escalated");
        Task task = written(alert, t -> TaskMapper.hasCode(t.getBusinessStatus(), TaskCodes.TASK, "escalated"));
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.STAT);
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(task.getPerformerType()).extracting(c -> c.getCodingFirstRep().getCode())
                .containsExactly(CareRole.PHYSICIAN.code(), CareRole.REGISTERED_NURSE.code());
        assertThat(task.getOwner().getReference()).isEqualTo(team.physician());
        assertThat(task.getRestriction().getPeriod().getEnd()).isEqualTo(raised.getRestriction().getPeriod().getEnd());

        ledger.acknowledge(alert.id(), "dr-3");
        Task done = written(alert, t -> t.getStatus() == Task.TaskStatus.COMPLETED);
        assertThat(TaskMapper.hasCode(done.getBusinessStatus(), TaskCodes.TASK, "escalated")).isTrue();
        assertThat(alerts.webhookEvents(alert.id())).containsExactly("alert.raised", "alert.escalated");
    }

    @Test
    void anEscalation_withNoPhysicianLicensedThere_leavesTheTaskToTheRole_sayingWhy() throws Exception {
        Team team = team("MA", "Texas Medical Board");
        AlertNotice alert = alerts.raise(notice("critical", team));
        written(alert, t -> true);

        awaitOverdue(alert);
        escalations.sweep(clock.instant());

        Task task = written(alert, t -> TaskMapper.hasCode(t.getBusinessStatus(), TaskCodes.TASK, "escalated"));
        assertThat(task.hasOwner()).isFalse();
        assertThat(task.getStatusReason().getCodingFirstRep().getCode()).isEqualTo("no-licence-in-state");
        assertThat(task.getPerformerTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(CareRole.PHYSICIAN.code());
    }

    @Test
    void warningsAndAcknowledgedAlerts_doNotEscalate() throws Exception {
        Team team = team("MA", "Massachusetts Board of Registration in Medicine");
        AlertNotice warning = alerts.raise(notice("warning", team));
        AlertNotice taken = alerts.raise(notice("critical", team));
        ledger.acknowledge(taken.id(), "nurse-1");

        awaitOverdue(taken);
        escalations.sweep(clock.instant());

        assertThat(ledger.find(warning.id()).orElseThrow().state()).isEqualTo("RAISED");
        assertThat(ledger.find(taken.id()).orElseThrow().state()).isEqualTo("ACKNOWLEDGED");
        assertThat(alerts.webhookEvents(warning.id())).containsExactly("alert.raised");
        assertThat(alerts.webhookEvents(taken.id())).containsExactly("alert.raised");
        assertThat(written(taken, t -> t.getStatus() == Task.TaskStatus.COMPLETED).hasBusinessStatus()).isFalse();
    }

    /** A patient in {@code state} with a nurse licensed there and a physician licensed by {@code physicianBoard}. */
    record Team(String patient, String nurse, String physician) {
    }

    private Team team(String state, String physicianBoard) {
        String patient = fixtures.patientIn(state);
        String nurse = fixtures.practitionerRole(fixtures.planNetPractitioner(null, state),
                CareRole.REGISTERED_NURSE.code());
        String physician = fixtures.practitionerRole(fixtures.practitioner(physicianBoard),
                CareRole.PHYSICIAN.code());
        fixtures.careTeam(patient, nurse, physician);
        return new Team(patient.substring("Patient/".length()), nurse, physician);
    }

    private AlertNotice notice(String severity, Team team) {
        return TaskAlerts.notice("clinical", "spo2", severity, team.patient(), null, clock.instant());
    }

    /** Waits until the alert's Task is in FHIR and its row says so, matching {@code wanted}. */
    private Task written(AlertNotice alert, Predicate<Task> wanted) {
        List<Task> found = new ArrayList<>();
        await().atMost(WRITTEN).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Task> tasks = fixtures.tasks(TaskCodes.ALERT, alert.id().toString());
            TaskAlerts.Row row = alerts.row(alert.id());
            found.clear();
            found.addAll(tasks);
            return tasks.size() == 1 && wanted.test(tasks.get(0)) && row != null && row.task() != null;
        });
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private void awaitOverdue(AlertNotice alert) {
        await().atMost(ESCALATE_AFTER.multipliedBy(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> clock.instant().isAfter(alert.raisedAt().plus(ESCALATE_AFTER)));
    }

    /** @return how many alerts the sweeps escalated together */
    private int sweepConcurrently(int sweeps) throws Exception {
        Callable<Integer> sweep = () -> escalations.sweep(clock.instant());
        return TaskAlerts.atOnce(Collections.nCopies(sweeps, sweep)).stream().mapToInt(Integer::intValue).sum();
    }
}
