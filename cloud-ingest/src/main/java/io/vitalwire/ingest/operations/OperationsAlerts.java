package io.vitalwire.ingest.operations;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.rules.RuleStateStore;
import io.vitalwire.ingest.rules.Severity;
import io.vitalwire.ingest.tasks.CareTasks;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Raises operations alerts exactly as the rules stage raises clinical ones, in one transaction: the {@code alert} row
 * ({@link RuleStateStore#insert}, kind {@code operations}), its webhook deliveries ({@link Notifier#raised}) and the
 * FHIR Task it owes ({@link CareTasks#raised}, which routes operations to the care coordinator); after the commit,
 * both outboxes' workers are woken. So an operations alert decided is delivered like a clinical one, and the webhook
 * endpoints' kind filter keeps the two apart.
 *
 * <p>Metric: {@code vitalwire.ingest.alerts.raised{kind=operations, rule, severity}}, as for clinical alerts.
 */
@Singleton
public class OperationsAlerts {

    static final String KIND = "operations";

    /** What an evaluator decides within the transaction, under whatever lock it took on {@code c}. */
    interface Decision {
        List<AlertNotice> decide(Connection c) throws SQLException;
    }

    private final RuleStateStore alerts;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final MeterRegistry metrics;
    private final Clock clock;

    public OperationsAlerts(RuleStateStore alerts, Notifier notifier, CareTasks tasks, MeterRegistry metrics,
                            Clock clock) {
        this.alerts = alerts;
        this.notifier = notifier;
        this.tasks = tasks;
        this.metrics = metrics;
        this.clock = clock;
    }

    DataSource dataSource() {
        return alerts.dataSource();
    }

    /**
     * Runs {@code decision} in one transaction and raises what it decided there; an alert raised before (the same
     * decision taken again: a redelivered event, a racing replica) is not raised again.
     *
     * @return the alerts raised now, committed
     */
    List<AlertNotice> raise(Decision decision) throws SQLException {
        List<AlertNotice> raised = Jdbc.inTransaction(dataSource(), c -> {
            List<AlertNotice> fresh = new ArrayList<>();
            for (AlertNotice notice : decision.decide(c)) {
                if (alerts.insert(c, notice)) {
                    notifier.raised(c, notice);
                    tasks.raised(c, notice);
                    fresh.add(notice);
                }
            }
            return fresh;
        });
        for (AlertNotice n : raised) {
            metrics.counter("vitalwire.ingest.alerts.raised", "kind", n.kind(), "rule", n.rule(), "severity",
                    n.severity()).increment();
        }
        if (!raised.isEmpty()) {
            notifier.wake();
            tasks.wake();
        }
        return raised;
    }

    /**
     * An operations alert, its id derived from what makes it that alert — tenant, rule, what it is about and the
     * evidence (the offline period's start, the battery report's time, the gap) — so the same decision taken twice is
     * one alert: one row, one webhook-id, one Task.
     *
     * @param subject  the gateway or device it is about
     * @param evidence what distinguishes this alert from the subject's others
     * @param at       when it happened (the alert's {@code measuredAt})
     */
    AlertNotice notice(OperationsRule rule, Severity severity, String tenant, String gateway, String device,
                       String patient, String subject, String evidence, Instant at, BigDecimal value, String unit) {
        UUID id = UUID.nameUUIDFromBytes(("vitalwire-alert|" + KIND + "|" + tenant + "|" + rule.id() + "|" + subject
                + "|" + evidence).getBytes(StandardCharsets.UTF_8));
        return new AlertNotice(id, tenant, KIND, rule.id(), severity.id(), patient, gateway, device, null, at, false,
                value, unit, List.of(), clock.instant());
    }
}
