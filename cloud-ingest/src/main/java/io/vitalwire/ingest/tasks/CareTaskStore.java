package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The Task outbox in PostgreSQL ({@code care_task}, {@code care_task_revision}, V9__care_tasks.sql): what is owed,
 * inserted in the caller's transaction, and claims of owed rows for the workers.
 */
@Singleton
public class CareTaskStore {

    private final DataSource dataSource;

    public CareTaskStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The alert's Task is owed, due now; nothing when it is owed or written already. Never waits for a worker. */
    void owe(Connection c, UUID alert, Instant now) throws SQLException {
        // ON CONFLICT DO NOTHING does not lock the existing row: a worker holding it does not hold us up.
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO care_task (alert_id, state, next_at, "
                + "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (alert_id) DO NOTHING")) {
            insert.setObject(1, alert);
            insert.setString(2, CareTaskState.PENDING.name());
            insert.setTimestamp(3, Timestamp.from(now));
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    /** The alert moved on (escalated, acknowledged): its Task owes a revision (or, not written yet, is owed). */
    void revise(Connection c, UUID alert, Instant now) throws SQLException {
        owe(c, alert, now);
        // A plain read of care_task, which waits for no worker; a Task done or refused for good takes no revision.
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO care_task_revision (alert_id, at) "
                + "SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM care_task WHERE alert_id = ? AND state IN (?, ?))")) {
            insert.setObject(1, alert);
            insert.setTimestamp(2, Timestamp.from(now));
            insert.setObject(3, alert);
            insert.setString(4, CareTaskState.DONE.name());
            insert.setString(5, CareTaskState.REJECTED.name());
            insert.executeUpdate();
        }
    }

    /**
     * Claims the Task owed longest at {@code now} that no other worker holds: a PENDING row due, else an OPEN row
     * due that owes a revision. The row stays locked ({@code FOR UPDATE}) until the claim records an outcome or is
     * closed; a replica that dies meanwhile releases it with its connection.
     */
    Optional<CareTaskClaim> claim(Instant now) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            Optional<UUID> alert = first(c, "SELECT alert_id FROM care_task WHERE state = 'PENDING' AND next_at <= ? "
                    + "ORDER BY next_at LIMIT 1 FOR UPDATE SKIP LOCKED", now);
            if (alert.isEmpty()) {
                alert = first(c, "SELECT t.alert_id FROM care_task_revision r JOIN care_task t "
                        + "ON t.alert_id = r.alert_id WHERE t.state = 'OPEN' AND t.next_at <= ? "
                        + "ORDER BY r.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED", now);
            }
            if (alert.isEmpty()) {
                c.rollback();
                c.close();
                return Optional.empty();
            }
            // The revisions first, then the alert: whatever a revision row announced is in the state read after it.
            long seen = lastRevision(c, alert.get());
            return Optional.of(new CareTaskClaim(c, owed(c, alert.get(), seen)));
        } catch (SQLException | RuntimeException e) {
            Jdbc.abandon(c);
            throw new IllegalStateException("cannot claim an owed Task: " + e.getMessage(), e);
        }
    }

    private static Optional<UUID> first(Connection c, String sql, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            select.setTimestamp(1, Timestamp.from(now));
            List<UUID> found = Jdbc.list(select, rs -> rs.getObject(1, UUID.class));
            return found.stream().findFirst();
        }
    }

    private static long lastRevision(Connection c, UUID alert) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT coalesce(max(id), 0) FROM care_task_revision "
                + "WHERE alert_id = ?")) {
            select.setObject(1, alert);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static OwedTask owed(Connection c, UUID alert, long seen) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + AlertRows.COLUMNS + ", t.state AS task_state, "
                + "t.task, t.attempts FROM care_task t JOIN alert a ON a.id = t.alert_id WHERE t.alert_id = ?")) {
            select.setObject(1, alert);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return new OwedTask(AlertRows.read(rs), CareTaskState.valueOf(rs.getString("task_state")),
                        rs.getString("task"), rs.getInt("attempts"), seen);
            }
        }
    }
}
