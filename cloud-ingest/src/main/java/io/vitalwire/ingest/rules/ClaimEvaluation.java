package io.vitalwire.ingest.rules;

import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.tasks.CareTasks;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules' one transaction for the patients of a claim: their locks, in lock-key order; the readings not evaluated
 * before, marked evaluated; each patient's readings through the {@link RuleEngine} in measurement order against the
 * patient's remembered state; each alert decided inserted with its webhook deliveries and the FHIR Task it owes; the
 * states saved. Every step covers all the patients in one statement (alerts, being rare, one at a time).
 *
 * <p>A patient that cannot be evaluated — its stored state unreadable, the engine failing on its readings — is left
 * out alone, so that it cannot hold back the claim's other patients at every retry: its readings are not marked
 * evaluated and its state is not saved.
 */
final class ClaimEvaluation {

    /** One patient's readings of the claim, in measurement order, and what the rules know of the patient. */
    record PatientReadings(String tenant, PatientProfile profile, List<StageEntry> entries) {

        String patient() {
            return profile.patient();
        }
    }

    /**
     * What the committed transaction did.
     *
     * @param raised the alerts inserted (a decision taken before is not raised again)
     * @param failed the patients left out, with why
     */
    record Result(List<AlertNotice> raised, Map<String, String> failed) {
    }

    private final RuleEngine engine;
    private final RuleStateStore store;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final Clock clock;

    ClaimEvaluation(RuleEngine engine, RuleStateStore store, Notifier notifier, CareTasks tasks, Clock clock) {
        this.engine = engine;
        this.store = store;
        this.notifier = notifier;
        this.tasks = tasks;
        this.clock = clock;
    }

    /** Evaluates the patients' readings in one transaction; nothing of it is stored when it throws. */
    Result run(List<PatientReadings> patients) throws SQLException {
        return Jdbc.inTransaction(store.dataSource(), c -> {
            List<String> ids = patients.stream().map(PatientReadings::patient).toList();
            store.lockAll(c, ids);
            Instant now = clock.instant();
            RuleStateStore.Loaded loaded = store.loadAll(c, ids);
            Map<String, String> failed = new HashMap<>(loaded.unreadable());
            List<PatientReadings> readable = patients.stream().filter(p -> !failed.containsKey(p.patient())).toList();
            Set<String> fresh = store.firstEvaluations(c, readable.stream()
                    .flatMap(p -> p.entries().stream()).map(StageEntry::readingKey).toList(), now);
            List<AlertNotice> decided = new ArrayList<>();
            List<RuleStateStore.Saved> states = new ArrayList<>();
            List<String> notEvaluated = new ArrayList<>();
            for (PatientReadings p : readable) {
                PatientRuleState state = loaded.states().get(p.patient());
                try {
                    decided.addAll(decide(p, state, fresh, now));
                    states.add(new RuleStateStore.Saved(p.patient(), p.tenant(), state));
                } catch (RuntimeException e) {
                    failed.put(p.patient(), String.valueOf(e.getMessage()));
                    p.entries().stream().map(StageEntry::readingKey).filter(fresh::contains).forEach(notEvaluated::add);
                }
            }
            if (!notEvaluated.isEmpty()) {
                store.forgetEvaluations(c, notEvaluated);
            }
            List<AlertNotice> raised = new ArrayList<>();
            for (AlertNotice notice : decided) {
                if (store.insert(c, notice)) {
                    notifier.raised(c, notice);
                    tasks.raised(c, notice);
                    raised.add(notice);
                }
            }
            store.saveAll(c, states, now);
            return new Result(raised, failed);
        });
    }

    /** The alerts the patient's fresh readings decide, in measurement order; updates {@code state}. */
    private List<AlertNotice> decide(PatientReadings p, PatientRuleState state, Set<String> fresh, Instant now) {
        List<AlertNotice> decided = new ArrayList<>();
        for (StageEntry e : p.entries()) {
            if (fresh.contains(e.readingKey())) {
                for (Alert alert : engine.evaluate(p.profile(), state, e.reading(), e.receivedAt())) {
                    decided.add(RulesStage.notice(alert, p.tenant(), gateway(e), e.reading(), now));
                }
            }
        }
        return decided;
    }

    private static String gateway(StageEntry e) {
        try {
            return Topic.parse(e.topic()).gatewayId();
        } catch (ContractViolation v) {
            return null;
        }
    }
}
