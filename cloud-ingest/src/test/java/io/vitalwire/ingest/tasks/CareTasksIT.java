package io.vitalwire.ingest.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import io.vitalwire.testing.TestTokens;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts become FHIR Tasks on the dev stack's HAPI server, through the outbox: one Task per alert however often it is
 * raised, whichever workers race and wherever a replica dies; routed to the care-team member licensed in the
 * patient's state, or to the role alone with the reason; completed by an acknowledgement; held back — alone — by a
 * FHIR outage. The context's own workers are off: each test drains the outbox itself, so it knows who wrote what.
 */
@MicronautTest
class CareTasksIT extends StackTest {

    private static final String NURSE = CareRole.REGISTERED_NURSE.code();
    private static final String PHYSICIAN = CareRole.PHYSICIAN.code();
    private static final String COORDINATOR = CareRole.CARE_COORDINATOR.code();

    @Inject
    CareTaskSync sync;
    @Inject
    CareTaskStore store;
    @Inject
    TaskWriter writer;
    @Inject
    CareTeams careTeams;
    @Inject
    TasksConfig config;
    @Inject
    MeterRegistry metrics;
    @Inject
    Clock clock;
    @Inject
    TaskAlerts alerts;
    @Inject
    FhirContext fhirContext;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    CareTasksIT() {
        super("gw-tasks");
    }

    @Override
    protected Map<String, String> overrides() {
        return TaskAlerts.properties(Map.of("vitalwire.ingest.tasks.workers-enabled", "false",
                "vitalwire.ingest.tasks.escalation-enabled", "false",
                "vitalwire.ingest.tasks.retry-delay", "300ms",
                "vitalwire.ingest.tasks.max-retry-delay", "1s"));
    }

    @BeforeAll
    void webhook() {
        alerts.webhookForEveryAlert();
    }

    /** Whatever an earlier test left owed is written, so that each test's drains see its own alerts only. */
    @BeforeEach
    void drainLeftovers() {
        while (sync.drain() > 0) {
            // until nothing is due
        }
    }

    @Test
    void aCriticalAlert_isOneTask_withItsIdentifierPriorityPatientEvidenceAndRole() throws Exception {
        Team team = team("MA");
        String readingKey = "rk-" + UUID.randomUUID();
        String observation = fixtures.observation(team.patient(), readingKey);
        AlertNotice alert = alerts.raise(notice("clinical", "spo2", "critical", id(team.patient()), readingKey));

        assertThat(sync.drain()).isEqualTo(1);
        alerts.raise(alert);
        sync.drain();

        Task task = onlyTask(alert);
        assertThat(task.getIdentifierFirstRep().getSystem()).isEqualTo("https://vitalwire.io/fhir/NamingSystem/alert");
        assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.STAT);
        assertThat(task.getFor().getReference()).isEqualTo(team.patient());
        assertThat(task.getFocus().getReference()).isEqualTo(observation);
        assertThat(task.getInputFirstRep().getValue()).isInstanceOfSatisfying(Reference.class,
                r -> assertThat(r.getReference()).isEqualTo(observation));
        assertThat(task.getCode().getCodingFirstRep().getSystem()).isEqualTo(TaskCodes.ALERT_RULE);
        assertThat(task.getCode().getCodingFirstRep().getCode()).isEqualTo("spo2");
        assertThat(task.getPerformerTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(NURSE);
        assertThat(task.getOwner().getReference()).isEqualTo(team.nurseMa());
        assertThat(task.getAuthoredOn().toInstant()).isEqualTo(alert.raisedAt());
        assertThat(task.getRestriction().getPeriod().getEnd().toInstant())
                .isEqualTo(alert.raisedAt().plus(config.getDueStat()));
        assertThat(alerts.row(alert.id())).isEqualTo(new TaskAlerts.Row("OPEN", "Task/" + task.getIdPart(), 0, null,
                team.nurseMa(), null));
    }

    @Test
    void aWarningWithoutItsObservationYet_pointsAtTheReadingKey_urgent() throws Exception {
        Team team = team("MA");
        String readingKey = "rk-" + UUID.randomUUID();
        AlertNotice alert = alerts.raise(notice("clinical", "heart-rate", "warning", id(team.patient()), readingKey));
        sync.drain();

        Task task = onlyTask(alert);
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(task.getFocus().hasReference()).isFalse();
        assertThat(task.getFocus().getIdentifier().getSystem()).isEqualTo(FhirSystems.READING_KEY);
        assertThat(task.getFocus().getIdentifier().getValue()).isEqualTo(readingKey);
        assertThat(task.getRestriction().getPeriod().getEnd().toInstant())
                .isEqualTo(alert.raisedAt().plus(config.getDueUrgent()));
    }

    @Test
    void workersRacing_onEveryReplica_writeOneTaskPerAlert() throws Exception {
        Team team = team("MA");
        List<AlertNotice> raised = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String readingKey = "rk-" + UUID.randomUUID();
            raised.add(alerts.raise(notice("clinical", "spo2", "warning", id(team.patient()), readingKey)));
        }
        List<CareTaskSync> replicas = List.of(sync, replica(writer, careTeams), replica(writer, careTeams));
        List<Integer> handled = TaskAlerts.atOnce(replicas.stream().<Callable<Integer>>map(r -> r::drain).toList());
        assertThat(handled.stream().mapToInt(Integer::intValue).sum()).isEqualTo(raised.size());
        for (AlertNotice alert : raised) {
            assertThat(fixtures.tasks(TaskCodes.ALERT, alert.id().toString())).hasSize(1);
            assertThat(alerts.row(alert.id()).state()).isEqualTo("OPEN");
        }
    }

    @Test
    void concurrentConditionalCreates_ofOneAlertsTask_leaveOneTask() throws Exception {
        Team team = team("MA");
        AlertNotice alert = notice("clinical", "spo2", "critical", id(team.patient()), null);
        TaskMapper mapper = new TaskMapper(config);
        Callable<String> create = () -> {
            Task t = mapper.create(alert, null, CareRole.REGISTERED_NURSE,
                    Assignment.nobody(UnassignedReason.NO_CARE_TEAM), clock.instant());
            try {
                return writer.create(t, alert.id()).task();
            } catch (RuntimeException e) {
                // The loser of a race may be refused (409): its row stays owed and finds the Task next time.
                return "refused";
            }
        };
        TaskAlerts.atOnce(List.of(create, create, create, create));
        assertThat(fixtures.tasks(TaskCodes.ALERT, alert.id().toString())).hasSize(1);
    }

    @Test
    void aReplicaDyingAfterTheCreate_isDoneAgainByTheNext_withoutASecondTask() throws Exception {
        Team team = team("MA");
        AlertNotice alert = alerts.raise(notice("clinical", "systolic", "critical", id(team.patient()), null));
        sync.drain();
        String written = alerts.row(alert.id()).task();
        // As a replica killed between the FHIR server's answer and its commit leaves the row: owed, no Task known.
        alerts.execute("UPDATE care_task SET state = 'PENDING', task = NULL, written_state = NULL "
                + "WHERE alert_id = ?", alert.id());

        assertThat(sync.drain()).isEqualTo(1);

        assertThat(fixtures.tasks(TaskCodes.ALERT, alert.id().toString())).hasSize(1);
        assertThat(alerts.row(alert.id()).state()).isEqualTo("OPEN");
        assertThat(alerts.row(alert.id()).task()).isEqualTo(written);
        assertThat(metrics.counter("vitalwire.ingest.tasks.written", "outcome", "found").count()).isPositive();
    }

    @Test
    void theOwner_isTheNurseLicensedInThePatientsState_notOneElsewhereOrExpired() throws Exception {
        String patient = fixtures.patientIn("Massachusetts");
        String nurseTx = fixtures.practitionerRole(fixtures.practitioner("Texas Board of Nursing"), NURSE);
        String nurseMaExpired = fixtures.practitionerRole(
                fixtures.planNetPractitioner(LocalDate.of(2020, 1, 1), "MA"), NURSE);
        String nurseMa = fixtures.practitionerRole(
                fixtures.practitioner("Texas Board of Nursing", "Massachusetts Board of Registration in Nursing"),
                NURSE);
        fixtures.careTeam(patient, nurseTx, nurseMaExpired, nurseMa);
        AlertNotice alert = alerts.raise(notice("clinical", "glucose", "warning", id(patient), null));
        sync.drain();

        Task task = onlyTask(alert);
        assertThat(task.getOwner().getReference()).isEqualTo(nurseMa);
        assertThat(task.hasStatusReason()).isFalse();
    }

    @Test
    void nobodyLicensedInThePatientsState_leavesTheTaskToTheRole_sayingWhy() throws Exception {
        Team team = team("CA");
        AlertNotice alert = alerts.raise(notice("clinical", "temperature", "warning", id(team.patient()), null));
        String lonely = fixtures.patientIn("MA");
        AlertNotice noTeam = alerts.raise(notice("clinical", "spo2", "warning", id(lonely), null));
        sync.drain();

        Task task = onlyTask(alert);
        assertThat(task.hasOwner()).isFalse();
        assertThat(task.getPerformerTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(NURSE);
        assertThat(task.getStatusReason().getCodingFirstRep().getSystem()).isEqualTo(TaskCodes.UNASSIGNED_REASON);
        assertThat(task.getStatusReason().getCodingFirstRep().getCode()).isEqualTo("no-licence-in-state");
        assertThat(alerts.row(alert.id()).ownerReason()).isEqualTo("no-licence-in-state");
        assertThat(onlyTask(noTeam).getStatusReason().getCodingFirstRep().getCode()).isEqualTo("no-care-team");
    }

    @Test
    void noDataAndOperationsAlerts_goToTheCareCoordinator() throws Exception {
        Team team = team("MA");
        AlertNotice silent = alerts.raise(notice("clinical", "no-data", "warning", id(team.patient()), null));
        AlertNotice gateway = alerts.raise(notice("operations", "gateway-offline", "critical", null, null));
        sync.drain();

        Task noData = onlyTask(silent);
        assertThat(noData.getPerformerTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(COORDINATOR);
        assertThat(noData.getOwner().getReference()).isEqualTo(team.coordinator());
        assertThat(noData.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(noData.hasFocus()).isFalse();
        Task ops = onlyTask(gateway);
        assertThat(ops.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        assertThat(ops.hasFor()).isFalse();
        assertThat(ops.getPerformerTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(COORDINATOR);
        assertThat(ops.getStatusReason().getCodingFirstRep().getCode()).isEqualTo("no-patient");
    }

    @Test
    void anAcknowledgement_completesTheTask_onceForAll() throws Exception {
        Team team = team("MA");
        AlertNotice alert = alerts.raise(notice("clinical", "spo2", "critical", id(team.patient()), null));
        sync.drain();
        String version = onlyTask(alert).getMeta().getVersionId();

        HttpResponse<String> first = acknowledge(alert.id().toString(), "nurse-7");
        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode acknowledged = json.readTree(first.body());
        assertThat(acknowledged.get("state").asText()).isEqualTo("ACKNOWLEDGED");
        assertThat(acknowledged.get("acknowledgedBy").asText()).isEqualTo("nurse-7");
        assertThat(sync.drain()).isEqualTo(1);

        Task completed = onlyTask(alert);
        assertThat(completed.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(completed.getExecutionPeriod().getEnd().toInstant().toString())
                .isEqualTo(acknowledged.get("acknowledgedAt").asText());
        assertThat(completed.getMeta().getVersionId()).isNotEqualTo(version);
        assertThat(alerts.row(alert.id()).state()).isEqualTo("DONE");

        HttpResponse<String> again = acknowledge(alert.id().toString(), "nurse-8");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("acknowledgedBy").asText()).isEqualTo("nurse-7");
        assertThat(sync.drain()).isZero();
        assertThat(onlyTask(alert).getMeta().getVersionId()).isEqualTo(completed.getMeta().getVersionId());

        assertThat(acknowledge(UUID.randomUUID().toString(), "nurse-7").statusCode())
                .isEqualTo(404);
        assertThat(acknowledge("not-an-id", "nurse-7").statusCode()).isEqualTo(400);
        AlertNotice other = alerts.raise(notice("clinical", "spo2", "warning", id(team.patient()), null));
        assertThat(acknowledge(other.id().toString(), null).statusCode()).isEqualTo(401);

        JsonNode listed = admin.get("/admin/alerts?patient=" + id(team.patient()) + "&state=ACKNOWLEDGED");
        assertThat(listed.get("alerts")).hasSize(1);
        assertThat(listed.at("/alerts/0/id").asText()).isEqualTo(alert.id().toString());
        assertThat(listed.at("/alerts/0/task/state").asText()).isEqualTo("DONE");
        assertThat(listed.at("/alerts/0/task/reference").asText()).isEqualTo("Task/" + completed.getIdPart());
    }

    @Test
    void anAlertAcknowledgedBeforeItsTaskWasWritten_getsItsTaskCompleted() throws Exception {
        Team team = team("MA");
        AlertNotice alert = alerts.raise(notice("clinical", "diastolic", "warning", id(team.patient()), null));
        assertThat(acknowledge(alert.id().toString(), "nurse-7").statusCode()).isEqualTo(200);
        sync.drain();

        assertThat(onlyTask(alert).getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
        assertThat(alerts.row(alert.id()).state()).isEqualTo("DONE");
    }

    @Test
    void aFhirOutage_delaysTheTask_notTheAlert() throws Exception {
        Team team = team("MA");
        IGenericClient down = fhirContext.newRestfulGenericClient("http://127.0.0.1:" + closedPort() + "/fhir");
        CareTaskSync cutOff = replica(new TaskWriter(down), new CareTeams(down, config, clock));
        AlertNotice alert = alerts.raise(notice("clinical", "spo2", "critical", id(team.patient()), null));

        assertThat(cutOff.drain()).isEqualTo(1);
        TaskAlerts.Row waiting = alerts.row(alert.id());
        assertThat(waiting.state()).isEqualTo("PENDING");
        assertThat(waiting.attempts()).isEqualTo(1);
        assertThat(waiting.lastError()).startsWith("unreachable: ");
        assertThat(fixtures.tasks(TaskCodes.ALERT, alert.id().toString())).isEmpty();
        // The alert itself: committed, its webhook queued, listed — none of it waited for FHIR.
        assertThat(alerts.webhookEvents(alert.id())).containsExactly("alert.raised");
        JsonNode listed = admin.get("/admin/alerts/" + alert.id());
        assertThat(listed.get("state").asText()).isEqualTo("RAISED");
        assertThat(listed.at("/task/state").asText()).isEqualTo("PENDING");
        assertThat(listed.at("/task/lastError").asText()).startsWith("unreachable: ");
        assertThat(listed.at("/task/nextAttempt").isNull()).isFalse();
        assertThat(cutOff.drain()).as("backing off").isZero();

        Thread.sleep(config.getMaxRetryDelay().toMillis() + 100);
        assertThat(sync.drain()).isEqualTo(1);
        assertThat(fixtures.tasks(TaskCodes.ALERT, alert.id().toString())).hasSize(1);
        assertThat(alerts.row(alert.id())).extracting(TaskAlerts.Row::state, TaskAlerts.Row::attempts,
                TaskAlerts.Row::lastError).containsExactly("OPEN", 0, null);
    }

    /** A care team of the patient ({@code Patient/…}) in {@code state}: nurses licensed in TX and MA, a physician in MA, a coordinator. */
    record Team(String patient, String nurseTx, String nurseMa, String physicianMa, String coordinator) {
    }

    private Team team(String state) {
        String patient = fixtures.patientIn(state);
        String nurseTx = fixtures.practitionerRole(fixtures.practitioner("Texas Board of Nursing"), NURSE);
        String nurseMa = fixtures.practitionerRole(fixtures.planNetPractitioner(null, "MA", "NH"), NURSE);
        String physicianMa = fixtures.practitionerRole(fixtures.practitioner("Massachusetts Board of Registration "
                + "in Medicine"), PHYSICIAN);
        String coordinator = fixtures.practitionerRole(fixtures.practitioner(), COORDINATOR);
        fixtures.careTeam(patient, nurseTx, nurseMa, physicianMa, coordinator);
        return new Team(patient, nurseTx, nurseMa, physicianMa, coordinator);
    }

    private CareTaskSync replica(TaskWriter taskWriter, CareTeams teams) {
        return new CareTaskSync(store, taskWriter, teams, config, metrics, clock);
    }

    private AlertNotice notice(String kind, String rule, String severity, String patient, String readingKey) {
        return TaskAlerts.notice(kind, rule, severity, patient, readingKey, clock.instant());
    }

    private Task onlyTask(AlertNotice alert) {
        List<Task> tasks = fixtures.tasks(TaskCodes.ALERT, alert.id().toString());
        assertThat(tasks).hasSize(1);
        return tasks.get(0);
    }

    /** The acknowledgement of {@code subject}, a clinical-admin; without a token when null. */
    private HttpResponse<String> acknowledge(String alert, String subject) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + "/admin/alerts/" + alert
                + "/acknowledge")).POST(HttpRequest.BodyPublishers.noBody());
        if (subject != null) {
            request.header("Authorization", TestTokens.shared().bearer(subject, "clinical-admin"));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String id(String reference) {
        return reference.substring(reference.indexOf('/') + 1);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
