package io.vitalwire.ingest.quarantine;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Keeps what cloud-ingest refused, with the reason, in PostgreSQL: nothing refused disappears, operators can list
 * it, and a later issue replays it once the cause is fixed (e.g. the device gets assigned).
 */
@Singleton
public class QuarantineStore {

    private final DataSource dataSource;
    private final MeterRegistry metrics;

    public QuarantineStore(DataSource dataSource, MeterRegistry metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    /** One quarantined item: a whole payload, or one reading of a payload. */
    public record Entry(long id, Instant at, String topic, String readingKey, QuarantineReason reason, String detail,
                        byte[] payload) {
    }

    /** Commits the entry; returns only once it is durable, so the caller may then acknowledge the message. */
    public void put(String topic, String readingKey, QuarantineReason reason, String detail, byte[] payload) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO quarantine "
                     + "(received_at, topic, reading_key, reason, detail, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(Instant.now()));
            insert.setString(2, topic);
            insert.setString(3, readingKey);
            insert.setString(4, reason.name());
            insert.setString(5, detail);
            insert.setBytes(6, payload);
            insert.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to the quarantine: " + e.getMessage(), e);
        }
        metrics.counter("vitalwire.ingest.quarantined", "reason", reason.name()).increment();
    }

    /** The newest entries first. */
    public List<Entry> list(int limit) {
        return query("ORDER BY id DESC LIMIT ?", select -> select.setInt(1, limit));
    }

    /** Every entry of one reading, oldest first. */
    public List<Entry> forReading(String readingKey) {
        return query("WHERE reading_key = ? ORDER BY id", select -> select.setString(1, readingKey));
    }

    private interface Binder {
        void bind(PreparedStatement select) throws SQLException;
    }

    private List<Entry> query(String clauses, Binder binder) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, received_at, topic, reading_key, reason, "
                     + "detail, payload FROM quarantine " + clauses)) {
            binder.bind(select);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), QuarantineReason.valueOf(rs.getString(5)), rs.getString(6),
                            rs.getBytes(7)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the quarantine: " + e.getMessage(), e);
        }
    }
}
