package io.vitalwire.gateway.buffer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buffer file's layout, and the one-time upgrades of files of earlier layouts: the first (plaintext payloads, no
 * lanes), the second (acknowledgements in the wide rows, before {@link AcknowledgedRuns}) and the third
 * ({@code user_version} 2: an index on {@code (state, lane, id)}, before {@link RowCounts}).
 * {@code PRAGMA user_version} says which layout a file has.
 */
final class BufferSchema {

    static final int VERSION = 3;
    private static final Logger LOG = LoggerFactory.getLogger(BufferSchema.class);
    private static final int MIGRATION_CHUNK = 1_000;

    private static final String READINGS = """
            CREATE TABLE IF NOT EXISTS reading (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                reading_key      TEXT    NOT NULL UNIQUE,
                state            TEXT    NOT NULL,
                lane             INTEGER NOT NULL,
                accepted_at      INTEGER NOT NULL,
                acknowledged_at  INTEGER,
                payload          BLOB    NOT NULL
            );
            """;
    // acknowledged_at: written by layouts before 2 only (acknowledgements are AcknowledgedRuns now); left in place,
    // as dropping a column rewrites the whole table, and a NULL costs one byte of the row's header.

    /*
     * No index beside the key's: claims read on in id order from where the lane's last claim stopped (InFlightRows),
     * counts are kept in RowCounts, the purge deletes acknowledged runs by id range. Files of user_version 2 have an
     * index on (state, lane, id); the upgrade counts their rows once from it and drops it (see RowCounts for why).
     */
    private static final String LAYOUT_2_INDEX = "reading_state_lane_id";

    private BufferSchema() {
    }

    /** A file of the first layout: a reading table without lanes, its payloads in plaintext. */
    static boolean isFirstLayout(Connection db) throws SQLException {
        return tableExists(db, "reading") && !columnExists(db, "reading", "lane");
    }

    static boolean holdsReadings(Connection db) throws SQLException {
        if (!tableExists(db, "reading")) {
            return false;
        }
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM reading)")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Creates what is missing, moves a layout-1 file's acknowledgements into {@link AcknowledgedRuns} and counts an
     * earlier layout's rows into {@link RowCounts} (one transaction); call in autocommit mode, after
     * {@code auto_vacuum} was set.
     */
    static void create(Connection db) throws SQLException {
        int layout = userVersion(db);
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            s.executeUpdate(READINGS);
            s.executeUpdate(AcknowledgedRuns.SCHEMA);
            s.executeUpdate(RowCounts.SCHEMA);
            s.executeUpdate(GapLog.SCHEMA);
            if (!columnExists(db, "gap", "reason")) {
                s.executeUpdate(GapLog.ADD_REASON);
            }
            if (layout < 2) {
                int moved = AcknowledgedRuns.moveFromRows(db);
                s.executeUpdate("DROP INDEX IF EXISTS reading_acknowledged_at");
                if (moved > 0) {
                    LOG.info("buffer upgraded to layout 2: {} acknowledged readings' state moved out of their rows",
                            moved);
                }
            }
            if (layout < 3) {
                RowCounts.recount(db);
                s.executeUpdate("DROP INDEX IF EXISTS " + LAYOUT_2_INDEX);
            }
            s.executeUpdate("PRAGMA user_version = " + VERSION);
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    private static int userVersion(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /**
     * First layout → this one, in one transaction: lanes added (old rows are {@link Lane#CRITICAL}: their origin is
     * unknown, and demoting a live reading would be worse than promoting a stored one), every payload encrypted. The
     * caller then rewrites the file with VACUUM, which also removes the plaintext from free pages.
     *
     * @return rows encrypted
     */
    static int upgradeFirstLayout(Connection db, PayloadCipher cipher) throws SQLException {
        boolean autoCommit = db.getAutoCommit();
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            s.executeUpdate("ALTER TABLE reading ADD COLUMN lane INTEGER NOT NULL DEFAULT " + Lane.CRITICAL.rank());
            s.executeUpdate("ALTER TABLE reading ADD COLUMN acknowledged_at INTEGER");
            s.executeUpdate("UPDATE reading SET acknowledged_at = accepted_at WHERE state = 'ACKNOWLEDGED'");
            s.executeUpdate("DROP INDEX IF EXISTS reading_state_id");
            int encrypted = encryptAll(db, cipher);
            db.commit();
            LOG.info("buffer upgraded to layout {}: {} readings encrypted, lanes added", VERSION, encrypted);
            return encrypted;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(autoCommit);
        }
    }

    private static int encryptAll(Connection db, PayloadCipher cipher) throws SQLException {
        int encrypted = 0;
        long after = Long.MIN_VALUE;
        try (PreparedStatement select = db.prepareStatement(
                "SELECT id, reading_key, payload FROM reading WHERE id > ? ORDER BY id LIMIT " + MIGRATION_CHUNK);
             PreparedStatement update = db.prepareStatement("UPDATE reading SET payload = ? WHERE id = ?")) {
            while (true) {
                select.setLong(1, after);
                List<PlainRow> chunk = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        chunk.add(new PlainRow(rs.getLong(1), rs.getString(2), rs.getBytes(3)));
                    }
                }
                if (chunk.isEmpty()) {
                    return encrypted;
                }
                for (PlainRow row : chunk) {
                    update.setBytes(1, cipher.seal(row.payload(), row.key().getBytes(StandardCharsets.UTF_8)));
                    update.setLong(2, row.id());
                    update.addBatch();
                    after = row.id();
                }
                update.executeBatch();
                encrypted += chunk.size();
            }
        }
    }

    private record PlainRow(long id, String key, byte[] payload) {
    }

    private static boolean tableExists(Connection db, String table) throws SQLException {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean columnExists(Connection db, String table, String column) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM pragma_table_info(?) WHERE name = ?")) {
            q.setString(1, table);
            q.setString(2, column);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }
}
