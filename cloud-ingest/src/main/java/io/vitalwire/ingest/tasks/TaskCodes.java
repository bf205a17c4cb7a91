package io.vitalwire.ingest.tasks;

/** The identifier and code systems of the Tasks. */
public final class TaskCodes {

    /** Task.identifier: the alert's id, the key of the conditional create (one Task per alert). */
    public static final String ALERT = "https://vitalwire.io/fhir/NamingSystem/alert";
    /** Task.code: the rule that raised the alert ({@code spo2}, {@code no-data}, …). */
    public static final String ALERT_RULE = "https://vitalwire.io/fhir/CodeSystem/alert-rule";
    /** Task.statusReason of a Task without owner ({@link UnassignedReason}). */
    public static final String UNASSIGNED_REASON = "https://vitalwire.io/fhir/CodeSystem/task-unassigned-reason";
    /** Task.businessStatus ({@code escalated}) and Task.input types ({@code evidence}, {@code late}). */
    public static final String TASK = "https://vitalwire.io/fhir/CodeSystem/care-task";
    public static final String SNOMED = "http://snomed.info/sct";
    /** Da Vinci PDex Plan-Net: a Practitioner.qualification's status and where it is valid. */
    public static final String PLAN_NET_QUALIFICATION =
            "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/practitioner-qualification";
    /** USPS two-letter state codes, as Plan-Net codes {@code whereValid}. */
    public static final String USPS = "https://www.usps.com/";

    private TaskCodes() {
    }
}
