package io.vitalwire.ingest.tasks;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.ingest.fhir.FhirSystems;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import io.vitalwire.ingest.notify.AlertNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * An alert as a FHIR R4 Task, and the revisions its alert's life brings. Only what the care team needs to act and
 * find the evidence: no names, no values, no free text about the patient.
 *
 * <ul>
 *   <li>{@code identifier} {@value TaskCodes#ALERT} | the alert's id (the conditional create's key), {@code status}
 *       requested, {@code intent} order, {@code code} the rule ({@value TaskCodes#ALERT_RULE});</li>
 *   <li>{@code priority}: stat for critical, urgent for warning, routine for operations alerts;</li>
 *   <li>{@code for} the Patient (none for an operations alert about a gateway); {@code focus} and {@code input}
 *       (type {@code evidence}) the Observation — its reference once FHIR has it, else a logical reference by the
 *       reading key; an input {@code late} = true when the reading arrived late; for an operations alert about a
 *       device, {@code focus} the Device by its identifier;</li>
 *   <li>{@code authoredOn} when the alert was raised, {@code restriction.period} from then to the due time of the
 *       priority ({@code due-stat}, {@code due-urgent}, {@code due-routine});</li>
 *   <li>{@code performerType} the role ({@link CareRole}); {@code owner} a care-team member, or none with
 *       {@code statusReason} saying why ({@link UnassignedReason}).</li>
 * </ul>
 *
 * <p><b>Escalation</b> ({@link #escalate}): R4's priority scale ends at stat, where every critical Task starts, so
 * the escalation raises a clinical Task by role instead: the physician comes first in {@code performerType} (the
 * nurse stays second, either may act), the owner becomes a care-team physician licensed in the patient's state (or
 * none, with the reason), {@code businessStatus} says {@code escalated}, and the priority goes one step up where there
 * is one. A Task of the care coordinator (operations) has no role above it: its escalation is the priority (routine
 * → urgent) and {@code businessStatus}. The due time stays: the patient's need did not become less urgent. <b>Acknowledgement</b>
 * ({@link #complete}): status completed, {@code executionPeriod.end} the acknowledgement's time; a Task the care team
 * has closed in FHIR themselves (completed, cancelled, …) is left as it is. Each revision changes only what it is
 * about, so what a clinician changed in the Task meanwhile stays.
 */
class TaskMapper {

    static final String ESCALATED = "escalated";

    private final TasksConfig config;

    TaskMapper(TasksConfig config) {
        this.config = config;
    }

    /**
     * The Task of an alert as raised, owned per {@code assignment}.
     *
     * @param observation {@code Observation/<id>} of the reading, or null when FHIR does not have it (yet)
     */
    Task create(AlertNotice alert, String observation, CareRole role, Assignment assignment, Instant now) {
        Task t = new Task();
        t.addIdentifier().setSystem(TaskCodes.ALERT).setValue(alert.id().toString());
        t.setStatus(Task.TaskStatus.REQUESTED);
        t.setIntent(Task.TaskIntent.ORDER);
        Task.TaskPriority priority = priority(alert);
        t.setPriority(priority);
        t.getCode().addCoding().setSystem(TaskCodes.ALERT_RULE).setCode(alert.rule());
        if (alert.patient() != null) {
            t.setFor(new Reference("Patient/" + alert.patient()));
        }
        if (alert.readingKey() != null) {
            evidence(t, alert.readingKey(), observation);
        } else if (alert.device() != null) {
            deviceFocus(t, alert.device());
        }
        if (alert.late()) {
            t.addInput().setType(concept(TaskCodes.TASK, "late", "The reading arrived late"))
                    .setValue(new BooleanType(true));
        }
        t.setAuthoredOnElement(instant(alert.raisedAt()));
        t.setLastModifiedElement(instant(now));
        t.addPerformerType(role(role));
        assign(t, assignment);
        t.getRestriction().getPeriod().setStartElement(instant(alert.raisedAt()))
                .setEndElement(instant(alert.raisedAt().plus(due(priority))));
        return t;
    }

    /**
     * Points {@code focus} and the {@code evidence} input at the Observation: its reference when known, else by the
     * reading key. @return whether the Task changed
     */
    boolean evidence(Task t, String readingKey, String observation) {
        Reference wanted = observation != null ? new Reference(observation)
                : new Reference().setType("Observation").setIdentifier(new Identifier()
                        .setSystem(FhirSystems.READING_KEY).setValue(readingKey));
        Task.ParameterComponent input = t.getInput().stream()
                .filter(i -> hasCode(i.getType(), TaskCodes.TASK, "evidence")).findFirst().orElse(null);
        boolean same = t.hasFocus() && sameReference(t.getFocus(), wanted) && input != null
                && input.getValue() instanceof Reference r && sameReference(r, wanted);
        if (same || (observation == null && t.hasFocus() && t.getFocus().hasReference())) {
            // Never trade a resolved reference for a logical one.
            return false;
        }
        t.setFocus(wanted.copy());
        if (input == null) {
            input = t.addInput().setType(concept(TaskCodes.TASK, "evidence", "The reading that raised the alert"));
        }
        input.setValue(wanted.copy());
        return true;
    }

    /**
     * An operations alert about a device (a low battery): the Device is the {@code focus}, by the identifier it is
     * registered under, so the care coordinator knows which one to see to. A malformed id leaves no focus.
     */
    private static void deviceFocus(Task t, String deviceId) {
        DeviceIdentity device;
        try {
            device = ReadingKey.device(deviceId);
        } catch (IllegalArgumentException e) {
            return;
        }
        Identifier identifier = device.serial() != null
                ? new Identifier().setSystem(FhirSystems.DEVICE_SERIAL).setValue(device.serial())
                : new Identifier().setSystem(FhirSystems.BLE_ADDRESS).setValue(device.address());
        t.setFocus(new Reference().setType("Device").setIdentifier(identifier));
    }

    /**
     * Escalates the Task (see the class comment): to {@code role} with {@code assignment} when the alert's kind has a
     * role to escalate to (clinical: the physician), else by priority alone. @return whether the Task changed
     */
    boolean escalate(Task t, CareRole role, Assignment assignment, Instant now) {
        if (hasCode(t.getBusinessStatus(), TaskCodes.TASK, ESCALATED)) {
            return false;
        }
        t.setBusinessStatus(concept(TaskCodes.TASK, ESCALATED, "Escalated: not acknowledged in time"));
        if (role != null) {
            List<CodeableConcept> roles = new ArrayList<>();
            roles.add(role(role));
            t.getPerformerType().stream().filter(c -> !hasCode(c, TaskCodes.SNOMED, role.code()))
                    .forEach(roles::add);
            t.setPerformerType(roles);
            assign(t, assignment);
        }
        t.setPriority(raised(t.getPriority()));
        t.setLastModifiedElement(instant(now));
        return true;
    }

    /** Completes the Task after the alert's acknowledgement. @return whether the Task changed */
    boolean complete(Task t, Instant acknowledgedAt, Instant now) {
        if (closed(t.getStatus())) {
            return false;
        }
        t.setStatus(Task.TaskStatus.COMPLETED);
        t.getExecutionPeriod().setEndElement(instant(acknowledgedAt));
        t.setLastModifiedElement(instant(now));
        return true;
    }

    static Task.TaskPriority priority(AlertNotice alert) {
        if ("operations".equals(alert.kind())) {
            return Task.TaskPriority.ROUTINE;
        }
        return "critical".equals(alert.severity()) ? Task.TaskPriority.STAT : Task.TaskPriority.URGENT;
    }

    /** One step up R4's scale (routine, urgent, asap, stat); stat is the top and stays. */
    static Task.TaskPriority raised(Task.TaskPriority p) {
        if (p == null || p == Task.TaskPriority.NULL) {
            return Task.TaskPriority.URGENT;
        }
        return switch (p) {
            case ROUTINE -> Task.TaskPriority.URGENT;
            case URGENT -> Task.TaskPriority.ASAP;
            default -> Task.TaskPriority.STAT;
        };
    }

    private Duration due(Task.TaskPriority p) {
        return switch (p) {
            case STAT, ASAP -> config.getDueStat();
            case URGENT -> config.getDueUrgent();
            default -> config.getDueRoutine();
        };
    }

    private static void assign(Task t, Assignment a) {
        if (a.owner() != null) {
            t.setOwner(new Reference(a.owner()));
            t.setStatusReason(null);
        } else {
            t.setOwner(null);
            t.setStatusReason(concept(TaskCodes.UNASSIGNED_REASON, a.reason().code(), a.reason().display()));
        }
    }

    private static boolean closed(Task.TaskStatus s) {
        return s == Task.TaskStatus.COMPLETED || s == Task.TaskStatus.CANCELLED || s == Task.TaskStatus.FAILED
                || s == Task.TaskStatus.REJECTED || s == Task.TaskStatus.ENTEREDINERROR;
    }

    static CodeableConcept role(CareRole role) {
        return concept(TaskCodes.SNOMED, role.code(), role.display());
    }

    private static CodeableConcept concept(String system, String code, String display) {
        CodeableConcept c = new CodeableConcept();
        c.addCoding(new Coding(system, code, display));
        return c;
    }

    static boolean hasCode(CodeableConcept concept, String system, String code) {
        return concept != null && concept.getCoding().stream()
                .anyMatch(c -> system.equals(c.getSystem()) && code.equals(c.getCode()));
    }

    private static boolean sameReference(Reference a, Reference b) {
        if (a.hasReference() || b.hasReference()) {
            return Objects.equals(a.getReference(), b.getReference());
        }
        return a.hasIdentifier() && b.hasIdentifier()
                && Objects.equals(a.getIdentifier().getValue(), b.getIdentifier().getValue());
    }

    /** An instant at millisecond precision, in UTC. */
    private static DateTimeType instant(Instant at) {
        DateTimeType t = new DateTimeType(Date.from(at), TemporalPrecisionEnum.MILLI);
        t.setTimeZoneZulu(true);
        return t;
    }
}
