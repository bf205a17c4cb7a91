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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Event messages waiting for the broker's acknowledgement (device battery levels, connections), as the encoded
 * payloads the uplink publishes, in a small table of the buffer's SQLite file: a battery report made while the broker
 * is unreachable, or just before a power cut, still reaches the cloud. A payload leaves only after its PUBACK
 * ({@link #remove}); one sent twice is the same bytes, which the cloud stores once.
 *
 * <p>Bounded: beyond {@link #MAX_QUEUED} waiting events the oldest are dropped (a home's handful of devices reporting
 * a few events a day fills that in weeks of outage, while the readings of those weeks are kept by the buffer). No
 * patient data: device ids as in reading keys, battery levels, times.
 *
 * <p>Failures are {@link BufferException}s.
 */
@Singleton
public class EventOutbox implements AutoCloseable {

    /** Waiting events kept at most; older ones are dropped first. */
    public static final int MAX_QUEUED = 10_000;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS event_outbox (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                queued_at  INTEGER NOT NULL,
                payload    BLOB    NOT NULL
            )
            """;

    private final Connection db;
    private final Clock clock;
    private final int maxQueued;
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();

    /** An event waiting for the broker: its row and the payload to publish. */
    public record Pending(long id, byte[] payload) {
    }

    /** Opens the table in the buffer's file (the buffer is opened first, so the file exists, mode 0600). */
    @Inject
    public EventOutbox(ReadingBuffer buffer) {
        this(buffer.file(), Clock.systemUTC());
    }

    public EventOutbox(Path file, Clock clock) {
        this(file, clock, MAX_QUEUED);
    }

    /** With another bound than {@link #MAX_QUEUED}: for tests. */
    EventOutbox(Path file, Clock clock, int maxQueued) {
        this.clock = clock;
        this.maxQueued = maxQueued;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                // Durable on return, like an append of readings.
                s.execute("PRAGMA synchronous=FULL");
                s.executeUpdate(SCHEMA);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the event outbox in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Called after every append, so that the uplink publishes at once instead of on a timer. */
    public void onAppend(Runnable listener) {
        appendListeners.add(listener);
    }

    /**
     * Keeps the payload until {@link #remove}d; returns once it is committed.
     *
     * @return how many of the oldest waiting events were dropped to stay within the bound
     */
    public int append(byte[] payload) {
        int dropped;
        synchronized (this) {
            try {
                db.setAutoCommit(false);
                try (PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO event_outbox (queued_at, payload) VALUES (?, ?)");
                     PreparedStatement trim = db.prepareStatement("DELETE FROM event_outbox "
                             + "WHERE id <= (SELECT MAX(id) FROM event_outbox) - " + maxQueued)) {
                    insert.setLong(1, clock.millis());
                    insert.setBytes(2, payload);
                    insert.executeUpdate();
                    dropped = trim.executeUpdate();
                }
                db.commit();
            } catch (SQLException e) {
                rollbackQuietly();
                throw new BufferException("queueing an event failed", e);
            } finally {
                autoCommitQuietly();
            }
        }
        appendListeners.forEach(Runnable::run);
        return dropped;
    }

    /** The oldest waiting events, at most {@code limit}, in the order they were appended. */
    public synchronized List<Pending> oldest(int limit) {
        try (PreparedStatement q = db.prepareStatement(
                "SELECT id, payload FROM event_outbox ORDER BY id LIMIT ?")) {
            q.setInt(1, limit);
            List<Pending> pending = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    pending.add(new Pending(rs.getLong(1), rs.getBytes(2)));
                }
            }
            return pending;
        } catch (SQLException e) {
            throw new BufferException("reading the event outbox failed", e);
        }
    }

    /** The broker acknowledged it: it leaves the outbox. */
    public synchronized void remove(long id) {
        try (PreparedStatement d = db.prepareStatement("DELETE FROM event_outbox WHERE id = ?")) {
            d.setLong(1, id);
            d.executeUpdate();
        } catch (SQLException e) {
            throw new BufferException("removing an acknowledged event failed", e);
        }
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException e) {
            // the failure that brought us here is the one to report
        }
    }

    private void autoCommitQuietly() {
        try {
            db.setAutoCommit(true);
        } catch (SQLException e) {
            // the next statement reports a broken connection
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
