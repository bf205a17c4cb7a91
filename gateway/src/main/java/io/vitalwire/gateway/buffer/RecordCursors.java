package io.vitalwire.gateway.buffer;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.OptionalLong;

/**
 * Per device and characteristic, the last stored-record number that reached the buffer (e.g. a glucose meter's
 * sequence number), kept in a small table of the buffer's SQLite file so that after a restart a device is asked only
 * for newer records. Advances only forward, and only after the readings were committed.
 *
 * <p>Failures are {@link BufferException}s; a caller that cannot read a cursor asks the device for all records (the
 * re-sent ones are recognised by their reading key), so losing a cursor never loses a reading.
 */
@Singleton
public class RecordCursors implements AutoCloseable {

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS record_cursor (
                device          TEXT    NOT NULL,
                characteristic  TEXT    NOT NULL,
                last_record     INTEGER NOT NULL,
                updated_at      INTEGER NOT NULL,
                PRIMARY KEY (device, characteristic)
            )
            """;

    private final Connection db;
    private final Clock clock;

    /** Opens the cursor table in the buffer's file (the buffer is opened first, so the file exists, mode 0600). */
    @Inject
    public RecordCursors(ReadingBuffer buffer, Clock clock) {
        this(buffer.file(), clock);
    }

    public RecordCursors(Path file, Clock clock) {
        this.clock = clock;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                s.execute(ReadingBuffer.SMALL_PAGE_CACHE);
                s.executeUpdate(SCHEMA);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the record cursors in " + file + ": " + e.getMessage(), e);
        }
    }

    /** The last record number of this device and characteristic that reached the buffer, if any. */
    public synchronized OptionalLong last(String device, String characteristic) {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT last_record FROM record_cursor WHERE device = ? AND characteristic = ?")) {
            q.setString(1, device);
            q.setString(2, characteristic);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            throw new BufferException("reading the record cursor failed", e);
        }
    }

    /** Moves the cursor to {@code record} if that is further than where it is; never backwards. */
    public synchronized void advance(String device, String characteristic, long record) {
        try (PreparedStatement u = db.prepareStatement("""
                INSERT INTO record_cursor (device, characteristic, last_record, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (device, characteristic) DO UPDATE SET last_record = excluded.last_record,
                    updated_at = excluded.updated_at
                WHERE excluded.last_record > record_cursor.last_record
                """)) {
            u.setString(1, device);
            u.setString(2, characteristic);
            u.setLong(3, record);
            u.setLong(4, clock.millis());
            u.executeUpdate();
        } catch (SQLException e) {
            throw new BufferException("advancing the record cursor failed", e);
        }
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing: nothing to keep
        }
    }
}
