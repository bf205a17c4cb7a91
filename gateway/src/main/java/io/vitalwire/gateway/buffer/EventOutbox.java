package io.vitalwire.gateway.buffer;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Event messages waiting for the broker's acknowledgement (device battery levels, connections), as the encoded
 * payloads the uplink publishes, in the {@code event_outbox} table of the buffer's SQLite file: a battery report made
 * while the broker is unreachable, or just before a power cut, still reaches the cloud. A payload leaves only after
 * its PUBACK ({@link #remove}); one sent twice is the same bytes, which the cloud stores once.
 *
 * <p>Written through the buffer's own connections and write lock ({@link ReadingBuffer#write}): a second writing
 * connection to the file would make the buffer's next append fail with SQLITE_BUSY. An event is committed like an
 * append of readings; its removal like an acknowledgement (a power cut may take it back: the event is sent again).
 *
 * <p>Bounded: beyond {@link #MAX_QUEUED} waiting events the oldest are dropped (a home's handful of devices reporting
 * a few events a day fills that in weeks of outage, while the readings of those weeks are kept by the buffer). No
 * patient data: device ids as in reading keys, battery levels, times.
 *
 * <p>Failures are {@link BufferException}s.
 */
@Singleton
public class EventOutbox {

    /** Waiting events kept at most; older ones are dropped first. */
    public static final int MAX_QUEUED = 10_000;

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS event_outbox (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                queued_at  INTEGER NOT NULL,
                payload    BLOB    NOT NULL
            )
            """;

    private final ReadingBuffer buffer;
    private final Clock clock;
    private final int maxQueued;
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();

    /** An event waiting for the broker: its row and the payload to publish. */
    public record Pending(long id, byte[] payload) {
    }

    /** Opens the table in the buffer's file, creating it if missing. */
    @Inject
    public EventOutbox(ReadingBuffer buffer, Clock clock) {
        this(buffer, clock, MAX_QUEUED);
    }

    /** With another bound than {@link #MAX_QUEUED}: for tests. */
    EventOutbox(ReadingBuffer buffer, Clock clock, int maxQueued) {
        this.buffer = buffer;
        this.clock = clock;
        this.maxQueued = maxQueued;
        buffer.write("creating the event outbox", c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(SCHEMA);
            }
        });
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
        int dropped = buffer.write("queueing an event", c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO event_outbox (queued_at, payload) VALUES (?, ?)");
                 PreparedStatement trim = c.prepareStatement("DELETE FROM event_outbox "
                         + "WHERE id <= (SELECT MAX(id) FROM event_outbox) - " + maxQueued)) {
                insert.setLong(1, clock.millis());
                insert.setBytes(2, payload);
                insert.executeUpdate();
                return trim.executeUpdate();
            }
        });
        appendListeners.forEach(Runnable::run);
        return dropped;
    }

    /** The oldest waiting events, at most {@code limit}, in the order they were appended. */
    public List<Pending> oldest(int limit) {
        return buffer.read("reading the event outbox", c -> {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT id, payload FROM event_outbox ORDER BY id LIMIT ?")) {
                q.setInt(1, limit);
                List<Pending> pending = new ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        pending.add(new Pending(rs.getLong(1), rs.getBytes(2)));
                    }
                }
                return pending;
            }
        });
    }

    /** The broker acknowledged it: it leaves the outbox. */
    public void remove(long id) {
        buffer.writeAcknowledgement("removing an acknowledged event", c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM event_outbox WHERE id = ?")) {
                d.setLong(1, id);
                return d.executeUpdate();
            }
        });
    }
}
