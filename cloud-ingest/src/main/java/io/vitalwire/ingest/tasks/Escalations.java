package io.vitalwire.ingest.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.Notifier;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Escalates critical alerts nobody acknowledged within {@link TasksConfig#getEscalateAfter()} — once each. Per alert,
 * one transaction: the guarded transition RAISED → ESCALATED ({@code escalated_at} set), the second webhook event
 * ({@code alert.escalated}, {@link Notifier#escalated}) and the Task's revision owed ({@link CareTasks}); so the
 * escalation and its webhook are committed together or not at all, and nothing in it waits for the FHIR server.
 * Every replica sweeps; two sweeping at once escalate each alert once (the second's transition finds it ESCALATED
 * and does nothing).
 *
 * <p>Metric: {@code vitalwire.ingest.alerts.escalated}.
 */
@Singleton
public class Escalations {

    private static final int ALERTS_PER_SWEEP = 500;

    private final CareTaskStore store;
    private final CareTasks tasks;
    private final Notifier notifier;
    private final TasksConfig config;
    private final MeterRegistry metrics;

    public Escalations(CareTaskStore store, CareTasks tasks, Notifier notifier, TasksConfig config,
                       MeterRegistry metrics) {
        this.store = store;
        this.tasks = tasks;
        this.notifier = notifier;
        this.config = config;
        this.metrics = metrics;
    }

    /** Escalates the critical alerts raised more than the configured delay before {@code now}. @return how many */
    public int sweep(Instant now) throws SQLException {
        int escalated = 0;
        for (UUID alert : overdue(now.minus(config.getEscalateAfter()))) {
            // Milliseconds, the precision of the Task's times.
            Instant at = now.truncatedTo(ChronoUnit.MILLIS);
            if (Jdbc.inTransaction(store.dataSource(), c -> escalate(c, alert, at))) {
                escalated++;
            }
        }
        if (escalated > 0) {
            metrics.counter("vitalwire.ingest.alerts.escalated").increment(escalated);
            notifier.wake();
            tasks.wake();
        }
        return escalated;
    }

    private List<UUID> overdue(Instant raisedBefore) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id FROM alert WHERE state = '"
                     + AlertState.RAISED.name() + "' AND severity = 'critical' AND raised_at <= ? ORDER BY raised_at "
                     + "LIMIT ?")) {
            // The state as a literal: alert_open is a partial index on it, which a plan for any parameter cannot use.
            select.setTimestamp(1, Timestamp.from(raisedBefore));
            select.setInt(2, ALERTS_PER_SWEEP);
            return Jdbc.list(select, rs -> rs.getObject(1, UUID.class));
        }
    }

    /** RAISED → ESCALATED with its webhook event and Task revision. @return false when it was not RAISED any more */
    private boolean escalate(Connection c, UUID alert, Instant now) throws SQLException {
        TrackedAlert escalated;
        try (PreparedStatement update = c.prepareStatement("UPDATE alert a SET state = ?, escalated_at = ? "
                + "WHERE a.id = ? AND a.state = ? RETURNING " + AlertRows.COLUMNS)) {
            update.setString(1, AlertState.ESCALATED.name());
            update.setTimestamp(2, Timestamp.from(now));
            update.setObject(3, alert);
            update.setString(4, AlertState.RAISED.name());
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    // Acknowledged meanwhile, or escalated by another replica's sweep.
                    return false;
                }
                escalated = AlertRows.read(rs);
            }
        }
        notifier.escalated(c, escalated.notice());
        tasks.revised(c, alert);
        return true;
    }
}
