package io.vitalwire.ingest.rules;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.tasks.CareTasks;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The time-based rules on this replica's clock: every {@link RulesConfig#getNoDataInterval()} the patients silent
 * for longer than {@link RulesConfig#getNoDataAfter()} are ticked, each under its lock like a reading, so replicas
 * sweeping at once raise one alert: the second finds the first's in the patient's state. Also forgets evaluated
 * reading keys past their retention.
 */
@Singleton
@Requires(property = "vitalwire.ingest.rules.sweep-enabled", notEquals = "false")
public class NoDataSweep {

    private static final Logger LOG = LoggerFactory.getLogger(NoDataSweep.class);
    private static final int PATIENTS_PER_SWEEP = 1_000;

    private final RuleEngine engine;
    private final RuleStateStore store;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final RulesConfig config;
    private final Clock clock;

    public NoDataSweep(RulesConfig config, RuleStateStore store, Notifier notifier, CareTasks tasks,
                       Clock clock) {
        this.engine = new RuleEngine(config.settings());
        this.store = store;
        this.notifier = notifier;
        this.tasks = tasks;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.rules.no-data-interval:5m}", initialDelay = "30s")
    void sweep() {
        try {
            int raised = sweep(clock.instant());
            if (raised > 0) {
                LOG.info("no-data: {} patients silent for longer than {}", raised, config.getNoDataAfter());
            }
            store.purgeEvaluations(clock.instant().minus(config.getEvaluationRetention()));
        } catch (RuntimeException | SQLException e) {
            LOG.warn("no-data sweep failed: {}", e.getMessage());
        }
    }

    /** Ticks every silent patient at {@code now}. @return alerts raised */
    public int sweep(Instant now) throws SQLException {
        int raised = 0;
        for (RuleStateStore.Known known : store.silent(now.minus(config.getNoDataAfter()), PATIENTS_PER_SWEEP)) {
            raised += Jdbc.inTransaction(store.dataSource(), c -> {
                store.lock(c, known.patient());
                PatientRuleState state = store.load(c, known.patient());
                PatientProfile profile = new PatientProfile(known.patient(), Set.of(), Thresholds.defaults());
                int n = 0;
                for (Alert alert : engine.tick(profile, state, now)) {
                    AlertNotice notice = RulesStage.notice(alert, known.tenant(), null, null, now);
                    if (store.insert(c, notice)) {
                        notifier.raised(c, notice);
                        tasks.raised(c, notice);
                        n++;
                    }
                }
                store.save(c, known.patient(), known.tenant(), state, clock.instant());
                return n;
            });
        }
        if (raised > 0) {
            notifier.wake();
            tasks.wake();
        }
        return raised;
    }
}
