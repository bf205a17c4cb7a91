package io.vitalwire.ingest.rules;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.rules.ClaimEvaluation.PatientReadings;
import io.vitalwire.ingest.tasks.CareTasks;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code rules}: applies the alert thresholds to every reading whose owner is known. For the claim's patients, in one
 * PostgreSQL transaction under their locks ({@link ClaimEvaluation}): the readings not evaluated before are marked
 * evaluated, run through the {@link RuleEngine} in measurement order against each patient's remembered state, the
 * states are saved, and each alert decided is inserted with its webhook deliveries ({@link Notifier}) and the FHIR
 * Task it owes ({@link CareTasks}). So an alert decided is an alert delivered, two replicas never evaluate one
 * patient at once, and a reading handled again (a retry, a redelivery) is not evaluated again.
 *
 * <p>One transaction per claim rather than per patient: a claim holds hundreds of readings of a hundred or more
 * patients, and a transaction per patient (lock, keys, state, save, commit: five round trips and a commit flush)
 * made the stage too slow to keep up with the readings, so that alerts waited behind the backlog. The patients'
 * settings are read before, in one query per organization. The locks are taken in the order of their keys, so that
 * two replicas' claims sharing patients wait for each other rather than deadlock; nothing else takes more than one
 * patient's lock ({@link NoDataSweep} takes one per transaction). If the transaction fails, every reading of its
 * patients is retried; a patient that alone cannot be evaluated fails alone ({@link ClaimEvaluation}).
 *
 * <p>Metric: {@code vitalwire.ingest.alerts.raised{kind, rule, severity}}, counted once committed.
 *
 * <p>Independent of the FHIR and InfluxDB stages: no alert waits for either. The FHIR server is asked only for the
 * conditions of a patient who weighed (weight gain is for heart failure), outside the transaction so that a FHIR read
 * never holds a lock, and after the claim's other patients are evaluated, committed and their alerts handed on, so
 * that none of theirs waits for it; a patient FHIR never answered for waits in this stage, with its readings, until
 * it does.
 */
@Singleton
public class RulesStage implements Stage {

    private final RuleEngine engine;
    private final ClaimEvaluation evaluation;
    private final RuleStateStore store;
    private final PatientProfiles profiles;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final MeterRegistry metrics;

    public RulesStage(RulesConfig config, RuleStateStore store, PatientProfiles profiles, Notifier notifier,
                      CareTasks tasks, MeterRegistry metrics, Clock clock) {
        this.engine = new RuleEngine(config.settings());
        this.evaluation = new ClaimEvaluation(engine, store, notifier, tasks, clock);
        this.store = store;
        this.profiles = profiles;
        this.notifier = notifier;
        this.tasks = tasks;
        this.metrics = metrics;
    }

    /** Whether the reading can alert as soon as it is evaluated: a spot measurement, not a sample of a stream. */
    public boolean firesAtOnce(Reading reading) {
        return !engine.isContinuous(reading);
    }

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public void handle(StageBatch batch) {
        Map<String, List<StageEntry>> byPatient = byPatient(batch.entries());
        Map<String, PatientProfiles.Settings> settings;
        try {
            settings = settings(byPatient);
        } catch (SQLException | RuntimeException e) {
            batch.failed(batch.entries(), new Failure(Failure.Cause.ERROR, e.getMessage()));
            return;
        }
        // First the patients whose conditions are at hand; those who weighed and whose problem list must be read
        // from FHIR after, in a transaction of their own: a FHIR search under load takes hundreds of milliseconds,
        // and every other patient's alert in the claim waited for it.
        List<PatientReadings> atHand = new ArrayList<>();
        List<String> toRead = new ArrayList<>();
        for (Map.Entry<String, List<StageEntry>> patient : byPatient.entrySet()) {
            List<StageEntry> entries = patient.getValue();
            PatientProfiles.Settings stored = settings.get(patient.getKey());
            boolean weighed = entries.stream().anyMatch(e -> hasWeight(e.reading()));
            profiles.conditionsAtHand(stored, patient.getKey(), weighed).ifPresentOrElse(
                    conditions -> atHand.add(readings(patient.getKey(), conditions, stored, entries)),
                    () -> toRead.add(patient.getKey()));
        }
        if (!atHand.isEmpty()) {
            evaluate(atHand, batch);
        }
        List<PatientReadings> read = new ArrayList<>();
        for (String patient : toRead) {
            List<StageEntry> entries = byPatient.get(patient);
            PatientProfiles.Settings stored = settings.get(patient);
            profiles.conditions(stored, patient, true).ifPresentOrElse(
                    conditions -> read.add(readings(patient, conditions, stored, entries)),
                    () -> batch.failed(entries, new Failure(Failure.Cause.UNREACHABLE,
                            "the patient's conditions are not known yet (FHIR), needed for weight gain")));
        }
        if (!read.isEmpty()) {
            evaluate(read, batch);
        }
    }

    private PatientReadings readings(String patient, Set<Condition> conditions, PatientProfiles.Settings stored,
                                     List<StageEntry> entries) {
        return new PatientReadings(tenant(entries.get(0)),
                new PatientProfile(patient, conditions, profiles.thresholds(stored)), entries);
    }

    /** Each patient's entries, in measurement order. */
    private static Map<String, List<StageEntry>> byPatient(List<StageEntry> entries) {
        Map<String, List<StageEntry>> byPatient = new LinkedHashMap<>();
        for (StageEntry e : entries) {
            byPatient.computeIfAbsent(e.owner().patientId(), p -> new ArrayList<>()).add(e);
        }
        byPatient.values().forEach(list -> list.sort(Comparator.comparing(StageEntry::measuredAt)));
        return byPatient;
    }

    /** The patients' settings, one query per organization, before the transaction: no lock waits for them. */
    private Map<String, PatientProfiles.Settings> settings(Map<String, List<StageEntry>> byPatient)
            throws SQLException {
        Map<String, List<String>> byTenant = new LinkedHashMap<>();
        byPatient.forEach((patient, entries) ->
                byTenant.computeIfAbsent(tenant(entries.get(0)), t -> new ArrayList<>()).add(patient));
        Map<String, PatientProfiles.Settings> settings = new HashMap<>();
        try (Connection c = store.dataSource().getConnection()) {
            for (Map.Entry<String, List<String>> tenant : byTenant.entrySet()) {
                settings.putAll(profiles.settings(c, tenant.getKey(), tenant.getValue()));
            }
        }
        return settings;
    }

    /** Runs the transaction and records one outcome per entry of its patients. */
    private void evaluate(List<PatientReadings> patients, StageBatch batch) {
        ClaimEvaluation.Result result;
        try {
            result = evaluation.run(patients);
        } catch (SQLException | RuntimeException e) {
            Failure failure = new Failure(Failure.Cause.ERROR, e.getMessage());
            patients.forEach(p -> batch.failed(p.entries(), failure));
            return;
        }
        // Committed: record, count and deliver what was raised.
        for (PatientReadings p : patients) {
            String why = result.failed().get(p.patient());
            if (why == null) {
                p.entries().forEach(e -> batch.done(e, "evaluated"));
            } else {
                batch.failed(p.entries(), new Failure(Failure.Cause.ERROR, why));
            }
        }
        result.raised().forEach(n -> metrics.counter("vitalwire.ingest.alerts.raised", "kind", n.kind(),
                "rule", n.rule(), "severity", n.severity()).increment());
        if (!result.raised().isEmpty()) {
            notifier.wake();
            tasks.wake();
        }
    }

    /** The alert as the outbox and the Task take it. */
    static AlertNotice notice(Alert a, String tenant, String gateway, Reading reading, Instant now) {
        List<AlertNotice.Value> values = reading == null ? List.of() : reading.values().stream()
                .map(v -> new AlertNotice.Value(v.mdc(), v.value(), v.unit())).toList();
        return new AlertNotice(AlertIds.of(a), tenant, a.rule().kind().id(), a.rule().id(), a.severity().id(),
                a.patient(), gateway, null, a.readingKey(), a.measuredAt(), a.late(), a.value(), a.unit(), values, now);
    }

    private static boolean hasWeight(Reading r) {
        return r.values().stream().anyMatch(v -> v.mdc().equals("188736"));
    }

    private static String tenant(StageEntry e) {
        try {
            return Topic.parse(e.topic()).tenant();
        } catch (ContractViolation v) {
            return "unknown";
        }
    }
}
