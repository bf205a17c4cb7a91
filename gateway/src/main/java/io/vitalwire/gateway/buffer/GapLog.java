package io.vitalwire.gateway.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code gap} table: per lane and {@link GapReason}, the refusals not yet reported to the cloud, folded into one open gap until it is
 * reported; a refusal after that opens the next gap. The statements run on the caller's connection and transaction,
 * so a refusal's gap commits together with the readings accepted beside it.
 */
final class GapLog {

    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS gap (
                id                INTEGER PRIMARY KEY AUTOINCREMENT,
                lane              INTEGER NOT NULL,
                first_refused_at  INTEGER NOT NULL,
                last_refused_at   INTEGER NOT NULL,
                refused_readings  INTEGER NOT NULL,
                devices           TEXT    NOT NULL,
                reported_at       INTEGER,
                reason            TEXT    NOT NULL DEFAULT 'capacity'
            );
            """;

    private GapLog() {
    }

    /** A file from before gaps had a reason: all of its gaps were refusals at capacity. */
    static final String ADD_REASON = "ALTER TABLE gap ADD COLUMN reason TEXT NOT NULL DEFAULT 'capacity'";

    /**
     * Adds refused readings to the lane's open gap of this reason, or opens one.
     *
     * @return whether a new gap was opened (worth a log line; a growing gap is not)
     */
    static boolean record(Connection db, Lane lane, GapReason reason, long firstMillis, long lastMillis, int readings,
                          Collection<String> devices) throws SQLException {
        try (PreparedStatement open = db.prepareStatement("SELECT id, devices FROM gap "
                + "WHERE lane = ? AND reason = ? AND reported_at IS NULL ORDER BY id DESC LIMIT 1")) {
            open.setInt(1, lane.rank());
            open.setString(2, reason.label());
            try (ResultSet rs = open.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    String merged = join(merge(split(rs.getString(2)), devices));
                    try (PreparedStatement update = db.prepareStatement("UPDATE gap SET last_refused_at = ?, "
                            + "refused_readings = refused_readings + ?, devices = ? WHERE id = ?")) {
                        update.setLong(1, lastMillis);
                        update.setInt(2, readings);
                        update.setString(3, merged);
                        update.setLong(4, id);
                        update.executeUpdate();
                    }
                    return false;
                }
            }
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO gap (lane, first_refused_at, "
                + "last_refused_at, refused_readings, devices, reason) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setInt(1, lane.rank());
            insert.setLong(2, firstMillis);
            insert.setLong(3, lastMillis);
            insert.setInt(4, readings);
            insert.setString(5, join(merge(List.of(), devices)));
            insert.setString(6, reason.label());
            insert.executeUpdate();
            return true;
        }
    }

    static List<Gap> unreported(Connection db) throws SQLException {
        List<Gap> gaps = new ArrayList<>();
        try (PreparedStatement q = db.prepareStatement("SELECT id, lane, first_refused_at, last_refused_at, "
                + "refused_readings, devices, reason FROM gap WHERE reported_at IS NULL ORDER BY id");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                gaps.add(new Gap(rs.getLong(1), Lane.ofRank(rs.getInt(2)), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)), rs.getLong(5), split(rs.getString(6)),
                        GapReason.ofLabel(rs.getString(7))));
            }
        }
        return gaps;
    }

    /** Marks the gap reported if it is still as it was reported: a gap that grew since is reported again. */
    static boolean markReported(Connection db, Gap gap, long atMillis) throws SQLException {
        try (PreparedStatement u = db.prepareStatement("UPDATE gap SET reported_at = ? "
                + "WHERE id = ? AND reported_at IS NULL AND refused_readings = ?")) {
            u.setLong(1, atMillis);
            u.setLong(2, gap.id());
            u.setLong(3, gap.refusedReadings());
            return u.executeUpdate() == 1;
        }
    }

    /** Reported gaps are history: kept as long as acknowledged readings, for the same debugging. */
    static int purgeReported(Connection db, long reportedBefore) throws SQLException {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM gap WHERE reported_at < ?")) {
            d.setLong(1, reportedBefore);
            return d.executeUpdate();
        }
    }

    private static List<String> merge(List<String> known, Collection<String> more) {
        TreeSet<String> all = new TreeSet<>(known);
        for (String d : more) {
            if (all.size() >= Gap.MAX_DEVICES) {
                break;
            }
            all.add(d);
        }
        return List.copyOf(all);
    }

    // Device ids are reading-key segments ([A-Za-z0-9.~-]), so a comma never occurs inside one.
    private static String join(List<String> devices) {
        return String.join(",", devices);
    }

    private static List<String> split(String devices) {
        return devices.isEmpty() ? List.of() : Arrays.asList(devices.split(","));
    }
}
