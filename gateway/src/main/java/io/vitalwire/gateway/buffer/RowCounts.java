package io.vitalwire.gateway.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How many rows the reading table holds per lane and state, in a narrow table written in the same transaction as
 * every change to the rows: one statement per lane per commit, where an index kept them countable per row.
 *
 * <p>Why: the reading table used to carry an index on {@code (state, lane, id)}, for claims to seek a lane's queued
 * rows and for the counts. Every row paid an entry in it — 15–20 % of durable intake, measured (the intake
 * benchmark: one writer 0.71 → 0.78–0.82 of raw SQLite without it). A claim needs no index: it resumes where the
 * lane's last claim stopped ({@link InFlightRows}) and reads on in id order, which is the table's own order; only
 * the counts needed one.
 *
 * <p>Claims skip a lane its counts say has no queued row, so a count wrong by a bug would leave rows unsent. Nothing
 * but these methods writes the table, each in the transaction of the change it counts; {@link #differences}
 * compares it with the rows anyway, when the table is small enough to read whole.
 */
final class RowCounts {

    /** A count that differed from the rows it counts, and was set to them. */
    record Correction(Lane lane, RowState state, long counted, long rows) {
    }

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS row_count (
                lane   INTEGER NOT NULL,
                state  TEXT    NOT NULL,
                rows   INTEGER NOT NULL,
                PRIMARY KEY (lane, state)
            ) WITHOUT ROWID;
            """;

    private static final String DIFFERENCES_SQL = "SELECT lane, state, SUM(counted), SUM(rows) FROM ("
            + "SELECT lane, state, rows AS counted, 0 AS rows FROM row_count UNION ALL "
            + "SELECT lane, state, 0, COUNT(*) FROM reading GROUP BY lane, state) "
            + "GROUP BY lane, state HAVING SUM(counted) <> SUM(rows)";
    private static final String ADD_SQL = "INSERT INTO row_count (lane, state, rows) VALUES (?, ?, ?) "
            + "ON CONFLICT (lane, state) DO UPDATE SET rows = rows + excluded.rows";

    private RowCounts() {
    }

    /** {@code delta} more rows of {@code lane} in {@code state}, in the caller's transaction. */
    static void add(Connection c, Lane lane, RowState state, long delta) throws SQLException {
        if (delta == 0) {
            return;
        }
        try (PreparedStatement add = c.prepareStatement(ADD_SQL)) {
            add.setInt(1, lane.rank());
            add.setString(2, state.name());
            add.setLong(3, delta);
            add.executeUpdate();
        }
    }

    /** {@code rows} of {@code lane} moved from one state to another, in the caller's transaction. */
    static void move(Connection c, Lane lane, RowState from, RowState to, long rows) throws SQLException {
        add(c, lane, from, -rows);
        add(c, lane, to, rows);
    }

    /** The rows of each lane in {@code state}. */
    static Map<Lane, Long> inState(Connection c, RowState state) throws SQLException {
        Map<Lane, Long> rows = new EnumMap<>(Lane.class);
        for (Lane lane : Lane.values()) {
            rows.put(lane, 0L);
        }
        try (PreparedStatement q = c.prepareStatement("SELECT lane, rows FROM row_count WHERE state = ?")) {
            q.setString(1, state.name());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.put(Lane.ofRank(rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return rows;
    }

    /** All rows counted, whatever their lane and state. */
    static long total(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COALESCE(SUM(rows), 0) FROM row_count")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * The counts that differ from a count of the rows themselves: one statement, so one snapshot of both tables
     * (always written in the same transaction) on any connection. Reads the whole reading table.
     */
    static List<Correction> differences(Connection c) throws SQLException {
        List<Correction> differences = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(DIFFERENCES_SQL)) {
            while (rs.next()) {
                differences.add(new Correction(Lane.ofRank(rs.getInt(1)), RowState.valueOf(rs.getString(2)),
                        rs.getLong(3), rs.getLong(4)));
            }
        }
        return differences;
    }

    /** The counts from the rows themselves: when a file of an earlier layout is upgraded, or a check found one off. */
    static void recount(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM row_count");
            s.executeUpdate("INSERT INTO row_count (lane, state, rows) "
                    + "SELECT lane, state, COUNT(*) FROM reading GROUP BY lane, state");
        }
    }
}
