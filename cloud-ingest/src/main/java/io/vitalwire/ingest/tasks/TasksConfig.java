package io.vitalwire.ingest.tasks;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** Care-team Tasks and escalation ({@code vitalwire.ingest.tasks.*}). */
@ConfigurationProperties("vitalwire.ingest.tasks")
public interface TasksConfig {

    /**
     * Whether this replica writes owed Tasks to the FHIR server. Default true: every replica does, the rows are
     * claimed so that none is written by two at once.
     */
    @Bindable(defaultValue = "true")
    boolean isWorkersEnabled();

    /** Worker threads on this replica. Default 1: alerts are few, and each Task is a handful of FHIR requests. */
    @Bindable(defaultValue = "1")
    int getWorkers();

    /**
     * How often an idle worker looks for Tasks it was not told about: retries that became due, rows another replica
     * left behind, revisions owed after an acknowledgement on another replica. Alerts raised on this replica wake it
     * at once. Default 5s.
     */
    @Bindable(defaultValue = "5s")
    Duration getPollInterval();

    /** Tasks a worker writes before it looks at its wake-ups again. Default 20. */
    @Bindable(defaultValue = "20")
    int getBatchSize();

    /**
     * First delay of the shared jittered backoff after a failed write; its ceiling doubles per failure of the Task,
     * up to {@link #getMaxRetryDelay()}. Default 5s.
     */
    @Bindable(defaultValue = "5s")
    Duration getRetryDelay();

    /** Longest wait between two attempts at one Task while the FHIR server fails. Default 5m. */
    @Bindable(defaultValue = "5m")
    Duration getMaxRetryDelay();

    /**
     * A critical alert not acknowledged this long after it was raised escalates, once: a second webhook event and the
     * Task handed to the physician. Default 15m.
     */
    @Bindable(defaultValue = "15m")
    Duration getEscalateAfter();

    /** Whether this replica sweeps for alerts to escalate. Default true (every replica; the sweep is guarded). */
    @Bindable(defaultValue = "true")
    boolean isEscalationEnabled();

    /** Pause between escalation sweeps: the most an escalation comes later than {@link #getEscalateAfter()}. Default 30s. */
    @Bindable(defaultValue = "30s")
    Duration getEscalationInterval();

    /** Due time ({@code Task.restriction.period.end}) of a {@code stat} Task (critical alerts), from the alert. Default 1h. */
    @Bindable(defaultValue = "1h")
    Duration getDueStat();

    /** Due time of an {@code urgent} Task (warnings), from the alert. Default 24h. */
    @Bindable(defaultValue = "24h")
    Duration getDueUrgent();

    /** Due time of a {@code routine} Task (operations alerts), from the alert. Default 72h. */
    @Bindable(defaultValue = "72h")
    Duration getDueRoutine();

    /**
     * How long a patient's care team read from FHIR (members, roles, licences, the patient's state) is used before it
     * is read again: a change of the care team reaches new Tasks within this. Default 5m.
     */
    @Bindable(defaultValue = "5m")
    Duration getCareTeamTtl();
}
