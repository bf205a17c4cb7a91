package io.vitalwire.ingest.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The alerts for the care team: listing them with their Tasks, and acknowledging one — the guarded transition
 * RAISED | ESCALATED → ACKNOWLEDGED (who and when recorded), with the Task's completion owed in the same transaction
 * and written by the Task workers. Nothing here waits for the FHIR server.
 *
 * <p>Metric: {@code vitalwire.ingest.alerts.acknowledged}.
 */
@Singleton
public class AlertLedger {

    private static final String SELECT = "SELECT " + AlertRows.COLUMNS + ", t.state AS task_state, t.task, t.owner, "
            + "t.owner_reason, t.attempts, t.last_error, t.next_at, t.written_at "
            + "FROM alert a LEFT JOIN care_task t ON t.alert_id = a.id";

    private final CareTaskStore store;
    private final CareTasks tasks;
    private final MeterRegistry metrics;
    private final Clock clock;

    public AlertLedger(CareTaskStore store, CareTasks tasks, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.tasks = tasks;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What an acknowledgement did. */
    public enum Acknowledged {
        /** RAISED | ESCALATED → ACKNOWLEDGED now, by the caller. */
        NOW,
        /** It was acknowledged before (by whoever the alert names): nothing changed. */
        BEFORE,
        /** There is no such alert. */
        UNKNOWN
    }

    /** The outcome, and the alert as it stands after it (empty for an unknown alert). */
    public record Acknowledgement(Acknowledged outcome, Optional<AlertView> alert) {
    }

    /** Acknowledges the alert as {@code by}; acknowledging it again changes nothing. */
    public Acknowledgement acknowledge(UUID alert, String by) throws SQLException {
        boolean now = Jdbc.inTransaction(store.dataSource(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE alert SET state = ?, acknowledged_at = ?, "
                    + "acknowledged_by = ? WHERE id = ? AND state IN (?, ?)")) {
                update.setString(1, AlertState.ACKNOWLEDGED.name());
                // Milliseconds, the precision the Task's executionPeriod.end carries: the API and FHIR show the same time.
                update.setTimestamp(2, Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
                update.setString(3, by);
                update.setObject(4, alert);
                update.setString(5, AlertState.RAISED.name());
                update.setString(6, AlertState.ESCALATED.name());
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            tasks.revised(c, alert);
            return true;
        });
        if (now) {
            metrics.counter("vitalwire.ingest.alerts.acknowledged").increment();
            tasks.wake();
        }
        Optional<AlertView> view = find(alert);
        if (view.isEmpty()) {
            return new Acknowledgement(Acknowledged.UNKNOWN, view);
        }
        return new Acknowledgement(now ? Acknowledged.NOW : Acknowledged.BEFORE, view);
    }

    public Optional<AlertView> find(UUID alert) throws SQLException {
        List<AlertView> found = query(" WHERE a.id = ?", List.of(alert), 1);
        return found.stream().findFirst();
    }

    /** Alerts newest first, of one patient and in one state when given. */
    public List<AlertView> list(String patient, AlertState state, int limit) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> parameters = new ArrayList<>();
        if (patient != null) {
            where.append(" AND a.patient = ?");
            parameters.add(patient);
        }
        if (state != null) {
            where.append(" AND a.state = ?");
            parameters.add(state.name());
        }
        return query(where + " ORDER BY a.raised_at DESC, a.id", parameters, limit);
    }

    private List<AlertView> query(String where, List<Object> parameters, int limit) throws SQLException {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement select = c.prepareStatement(SELECT + where + " LIMIT ?")) {
            int i = 1;
            for (Object p : parameters) {
                select.setObject(i++, p);
            }
            select.setInt(i, limit);
            return Jdbc.list(select, rs -> AlertView.of(AlertRows.read(rs), task(rs)));
        }
    }

    private static AlertView.TaskView task(ResultSet rs) throws SQLException {
        String state = rs.getString("task_state");
        if (state == null) {
            return null;
        }
        boolean owed = state.equals(CareTaskState.PENDING.name()) || state.equals(CareTaskState.OPEN.name())
                && rs.getInt("attempts") > 0;
        return new AlertView.TaskView(state, rs.getString("task"), rs.getString("owner"),
                rs.getString("owner_reason"), rs.getInt("attempts"), rs.getString("last_error"),
                owed ? AlertView.text(AlertRows.instant(rs, "next_at")) : null,
                AlertView.text(AlertRows.instant(rs, "written_at")));
    }
}
