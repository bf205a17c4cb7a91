package io.vitalwire.ingest.rules;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.tasks.CareTasks;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code rules}: applies the alert thresholds to every reading whose owner is known, patient by patient. For each
 * patient, in one PostgreSQL transaction under the patient's lock: the readings not evaluated before are marked
 * evaluated, run through the {@link RuleEngine} in measurement order against the patient's remembered state, the
 * state is saved, and each alert decided is inserted with its webhook deliveries ({@link Notifier}) and the FHIR
 * Task it owes ({@link CareTasks}). So an alert decided is an alert delivered, two replicas never evaluate one
 * patient at once, and a reading handled again (a retry, a redelivery) is not evaluated again.
 *
 * <p>Metric: {@code vitalwire.ingest.alerts.raised{kind, rule, severity}}.
 *
 * <p>Independent of the FHIR and InfluxDB stages: no alert waits for either. The FHIR server is asked only for the
 * conditions of a patient who weighed (weight gain is for heart failure); a patient FHIR never answered for waits in
 * this stage, with its weighings, until it does.
 */
@Singleton
public class RulesStage implements Stage {

    private final RuleEngine engine;
    private final RuleStateStore store;
    private final PatientProfiles profiles;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final MeterRegistry metrics;
    private final Clock clock;

    public RulesStage(RulesConfig config, RuleStateStore store, PatientProfiles profiles, Notifier notifier,
                      CareTasks tasks, MeterRegistry metrics, Clock clock) {
        this.metrics = metrics;
        this.engine = new RuleEngine(config.settings());
        this.store = store;
        this.profiles = profiles;
        this.notifier = notifier;
        this.tasks = tasks;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "rules";
    }

    @Override
    public void handle(StageBatch batch) {
        Map<String, List<StageEntry>> byPatient = new LinkedHashMap<>();
        for (StageEntry e : batch.entries()) {
            byPatient.computeIfAbsent(e.owner().patientId(), p -> new ArrayList<>()).add(e);
        }
        boolean raised = false;
        for (Map.Entry<String, List<StageEntry>> patient : byPatient.entrySet()) {
            List<StageEntry> entries = new ArrayList<>(patient.getValue());
            entries.sort(Comparator.comparing(StageEntry::measuredAt));
            try {
                Optional<Integer> alerts = evaluate(patient.getKey(), entries);
                if (alerts.isEmpty()) {
                    batch.failed(entries, new Failure(Failure.Cause.UNREACHABLE,
                            "the patient's conditions are not known yet (FHIR), needed for weight gain"));
                    continue;
                }
                raised |= alerts.get() > 0;
                entries.forEach(e -> batch.done(e, "evaluated"));
            } catch (SQLException | RuntimeException e) {
                batch.failed(entries, new Failure(Failure.Cause.ERROR, e.getMessage()));
            }
        }
        if (raised) {
            notifier.wake();
            tasks.wake();
        }
    }

    /** @return the number of alerts raised; empty when the patient's conditions are needed and not known */
    private Optional<Integer> evaluate(String patient, List<StageEntry> entries) throws SQLException {
        List<AlertNotice> raised = new ArrayList<>();
        Optional<Integer> count = evaluate(patient, entries, raised);
        // Committed: count what was raised.
        raised.forEach(n -> metrics.counter("vitalwire.ingest.alerts.raised", "kind", n.kind(), "rule", n.rule(),
                "severity", n.severity()).increment());
        return count;
    }

    private Optional<Integer> evaluate(String patient, List<StageEntry> entries, List<AlertNotice> raisedNow)
            throws SQLException {
        String tenant = tenant(entries.get(0));
        boolean weighed = entries.stream().anyMatch(e -> hasWeight(e.reading()));
        PatientProfiles.Settings settings;
        try (Connection c = store.dataSource().getConnection()) {
            settings = profiles.settings(c, tenant, patient);
        }
        // Outside the transaction: a FHIR read never holds the patient's lock.
        Optional<Set<Condition>> conditions = profiles.conditions(settings, patient, weighed);
        if (conditions.isEmpty()) {
            return Optional.empty();
        }
        PatientProfile profile = new PatientProfile(patient, conditions.get(), profiles.thresholds(settings));
        return Optional.of(Jdbc.inTransaction(store.dataSource(), c -> {
            store.lock(c, patient);
            Instant now = clock.instant();
            Set<String> fresh = store.firstEvaluations(c, entries.stream().map(StageEntry::readingKey).toList(), now);
            PatientRuleState state = store.load(c, patient);
            int raised = 0;
            for (StageEntry e : entries) {
                if (!fresh.contains(e.readingKey())) {
                    continue;
                }
                for (Alert alert : engine.evaluate(profile, state, e.reading(), e.receivedAt())) {
                    AlertNotice notice = notice(alert, tenant, gateway(e), e.reading(), now);
                    if (store.insert(c, notice)) {
                        notifier.raised(c, notice);
                        tasks.raised(c, notice);
                        raisedNow.add(notice);
                        raised++;
                    }
                }
            }
            store.save(c, patient, tenant, state, now);
            return raised;
        }));
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

    private static String gateway(StageEntry e) {
        try {
            return Topic.parse(e.topic()).gatewayId();
        } catch (ContractViolation v) {
            return null;
        }
    }
}
