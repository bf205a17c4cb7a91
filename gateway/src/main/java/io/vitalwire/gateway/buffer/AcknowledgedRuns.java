package io.vitalwire.gateway.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which readings are {@link RowState#ACKNOWLEDGED}: runs of consecutive row ids of one lane, in a narrow table of
 * their own, and in memory as its mirror. Guarded by the buffer's lock.
 *
 * <p>Why not the reading's own row: an acknowledgement used to UPDATE every acknowledged row — rewriting each ~0.5 KB
 * row and moving its entries in two indexes, on the uplink's thread, for rows whose only future is deletion. A home's
 * 1 Hz strap paid four page writes per reading for it; a drained backlog, one row update per reading. A batch claimed
 * from one lane is mostly one run of ids, so its acknowledgement is one narrow row here, and a run that continues the
 * previous one of its lane extends it instead. The wide rows stay {@code QUEUED} on disk until maintenance deletes
 * them by id range, acknowledged runs first: they are never rewritten at all.
 *
 * <p>Invariant: every id of a run is a row of the reading table, {@code QUEUED} on disk, of the run's lane — a run is
 * made only of rows the uplink held (so they exist and were queued), only of consecutive ids (so no other row lies
 * between them), and its rows are deleted only together with the run's part that named them. Counting a run's rows
 * is therefore {@code last - first + 1}, and a claim that meets a run's first row can skip to its end.
 */
final class AcknowledgedRuns {

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS acknowledged (
                first_id         INTEGER PRIMARY KEY,
                last_id          INTEGER NOT NULL,
                lane             INTEGER NOT NULL,
                acknowledged_at  INTEGER NOT NULL
            );
            """;

    /** A run's rows (or its first part): a seek on the primary key. */
    static final String DELETE_ROWS_SQL = "DELETE FROM reading WHERE id BETWEEN ? AND ?";

    /** One run: rows {@code first..last} (inclusive), all of {@code lane}, the latest acknowledged at {@code at}. */
    record Run(long first, long last, Lane lane, long acknowledgedAt) {
        long rows() {
            return last - first + 1;
        }

        boolean contains(long id) {
            return id >= first && id <= last;
        }
    }

    private final TreeMap<Long, Run> byFirst = new TreeMap<>();

    /** The table's runs, replacing whatever was held: at start, and after a transaction that changed runs failed. */
    void load(Connection c) throws SQLException {
        byFirst.clear();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT first_id, last_id, lane, acknowledged_at FROM acknowledged")) {
            while (rs.next()) {
                Run run = new Run(rs.getLong(1), rs.getLong(2), Lane.ofRank(rs.getInt(3)), rs.getLong(4));
                byFirst.put(run.first(), run);
            }
        }
    }

    /** The run holding {@code id}, if it is acknowledged. */
    Optional<Run> containing(long id) {
        Map.Entry<Long, Run> floor = byFirst.floorEntry(id);
        return floor != null && floor.getValue().contains(id) ? Optional.of(floor.getValue()) : Optional.empty();
    }

    /**
     * Records rows {@code first..last} of {@code lane} as acknowledged at {@code now}, extending the run that ends just
     * before them if it is of the same lane. The caller commits {@code c}, or rolls back and {@link #load}s.
     */
    void add(Connection c, long first, long last, Lane lane, long now) throws SQLException {
        Map.Entry<Long, Run> before = byFirst.floorEntry(first - 1);
        if (before != null && before.getValue().last() == first - 1 && before.getValue().lane() == lane) {
            Run extended = new Run(before.getValue().first(), last, lane, now);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE acknowledged SET last_id = ?, acknowledged_at = ? WHERE first_id = ?")) {
                update.setLong(1, last);
                update.setLong(2, now);
                update.setLong(3, extended.first());
                update.executeUpdate();
            }
            byFirst.put(extended.first(), extended);
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO acknowledged (first_id, last_id, lane, acknowledged_at) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, first);
            insert.setLong(2, last);
            insert.setInt(3, lane.rank());
            insert.setLong(4, now);
            insert.executeUpdate();
        }
        byFirst.put(first, new Run(first, last, lane, now));
    }

    /**
     * Deletes at most {@code limit} acknowledged readings, of the runs acknowledged longest ago, before
     * {@code cutoffMillis}: the rows by id range (a primary-key seek, however large the file), the runs with them
     * (or what is left of a run), and the rows' {@link RowCounts}. The caller commits {@code c}, or rolls back and
     * {@link #load}s.
     *
     * @return readings deleted
     */
    int purge(Connection c, long cutoffMillis, int limit) throws SQLException {
        List<Run> due = byFirst.values().stream().filter(r -> r.acknowledgedAt() < cutoffMillis)
                .sorted(Comparator.comparingLong(Run::acknowledgedAt).thenComparingLong(Run::first)).toList();
        int deleted = 0;
        try (PreparedStatement rows = c.prepareStatement(DELETE_ROWS_SQL);
             PreparedStatement drop = c.prepareStatement("DELETE FROM acknowledged WHERE first_id = ?");
             PreparedStatement shorten = c.prepareStatement(
                     "UPDATE acknowledged SET first_id = ? WHERE first_id = ?")) {
            for (Run run : due) {
                if (deleted == limit) {
                    break;
                }
                long upTo = Math.min(run.last(), run.first() + (limit - deleted) - 1);
                rows.setLong(1, run.first());
                rows.setLong(2, upTo);
                int gone = rows.executeUpdate();
                RowCounts.add(c, run.lane(), RowState.QUEUED, -gone);
                deleted += gone;
                byFirst.remove(run.first());
                if (upTo == run.last()) {
                    drop.setLong(1, run.first());
                    drop.executeUpdate();
                } else {
                    shorten.setLong(1, upTo + 1);
                    shorten.setLong(2, run.first());
                    shorten.executeUpdate();
                    byFirst.put(upTo + 1, new Run(upTo + 1, run.last(), run.lane(), run.acknowledgedAt()));
                }
            }
        }
        return deleted;
    }

    /**
     * A buffer file whose acknowledgements are still in the wide rows ({@code state = 'ACKNOWLEDGED'}, written before
     * this table existed): moved here as runs, the rows back to {@code QUEUED} on disk, in the caller's transaction.
     *
     * @return rows moved
     */
    static int moveFromRows(Connection c) throws SQLException {
        List<Run> runs = new ArrayList<>();
        Run open = null;
        long previousId = Long.MIN_VALUE;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT r.id, r.state, r.lane, r.acknowledged_at FROM reading r "
                     + "WHERE r.id >= (SELECT MIN(id) FROM reading WHERE state = 'ACKNOWLEDGED') ORDER BY r.id")) {
            while (rs.next()) {
                long id = rs.getLong(1);
                boolean acknowledged = RowState.ACKNOWLEDGED.name().equals(rs.getString(2));
                Lane lane = Lane.ofRank(rs.getInt(3));
                if (open != null && (!acknowledged || id != previousId + 1 || lane != open.lane())) {
                    runs.add(open);
                    open = null;
                }
                if (acknowledged) {
                    long at = rs.getLong(4);
                    open = open == null ? new Run(id, id, lane, at)
                            : new Run(open.first(), id, lane, Math.max(at, open.acknowledgedAt()));
                }
                previousId = id;
            }
        }
        if (open != null) {
            runs.add(open);
        }
        long moved = 0;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO acknowledged (first_id, last_id, lane, acknowledged_at) VALUES (?, ?, ?, ?)");
             Statement s = c.createStatement()) {
            for (Run run : runs) {
                insert.setLong(1, run.first());
                insert.setLong(2, run.last());
                insert.setInt(3, run.lane().rank());
                insert.setLong(4, run.acknowledgedAt());
                insert.addBatch();
                moved += run.rows();
            }
            insert.executeBatch();
            s.executeUpdate("UPDATE reading SET state = 'QUEUED', acknowledged_at = NULL WHERE state = 'ACKNOWLEDGED'");
        }
        return Math.toIntExact(moved);
    }
}
