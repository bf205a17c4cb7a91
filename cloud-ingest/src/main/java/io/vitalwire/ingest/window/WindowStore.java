package io.vitalwire.ingest.window;

import io.vitalwire.contract.MeasurementType;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The windows of continuous streams and their samples, in PostgreSQL (tables {@code stream_window} and
 * {@code window_sample}, see V2__stream_windows_and_replay.sql). Shared by every replica: one adds samples as
 * messages arrive, any other may write the window.
 */
@Singleton
public class WindowStore {

    /** Namespace of the advisory locks that keep two replicas from writing one window at once. */
    private static final int LOCK_NAMESPACE = 0x5657_0001;

    private final DataSource dataSource;

    public WindowStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Adds samples to their windows and commits; returns only once they are durable. A sample whose reading key is
     * already stored is not added again. A window that gets new samples becomes due {@code grace} after its end,
     * or after {@code now} for a window that has ended already (a late sample, a backlog); a window already waiting
     * to be written keeps its time.
     *
     * @return the id of each sample's window, by reading key
     */
    public Map<String, Long> add(List<WindowedSample> samples, Instant now, Duration grace) {
        Map<StreamWindow, List<Sample>> byWindow = new LinkedHashMap<>();
        for (WindowedSample s : samples) {
            byWindow.computeIfAbsent(s.window(), w -> new ArrayList<>()).add(s.sample());
        }
        // One order for every replica: two messages touching the same windows cannot deadlock.
        List<StreamWindow> windows = new ArrayList<>(byWindow.keySet());
        windows.sort(Comparator.comparing(StreamWindow::identifier));
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                Map<String, Long> windowIds = new HashMap<>();
                for (StreamWindow w : windows) {
                    long id = addToWindow(c, w, byWindow.get(w), due(w, now, grace));
                    byWindow.get(w).forEach(s -> windowIds.put(s.readingKey(), id));
                }
                return windowIds;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store window samples: " + e.getMessage(), e);
        }
    }

    private static Instant due(StreamWindow w, Instant now, Duration grace) {
        return (w.end().isAfter(now) ? w.end() : now).plus(grace);
    }

    private static long addToWindow(Connection c, StreamWindow w, List<Sample> samples, Instant due)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO stream_window (identifier, patient, device, "
                + "type, code, loinc, unit, starts_at, ends_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (identifier) DO NOTHING")) {
            insert.setString(1, w.identifier());
            insert.setString(2, w.patient());
            insert.setString(3, w.device());
            insert.setString(4, w.type().name());
            insert.setString(5, w.code());
            insert.setString(6, w.loinc());
            insert.setString(7, w.unit());
            insert.setTimestamp(8, Timestamp.from(w.start()));
            insert.setTimestamp(9, Timestamp.from(w.end()));
            insert.setTimestamp(10, Timestamp.from(due));
            insert.executeUpdate();
        }
        long id;
        long version;
        // Locks the window row until commit: concurrent additions to one window take turns, so versions are unique.
        try (PreparedStatement lock = c.prepareStatement(
                "SELECT id, samples_version FROM stream_window WHERE identifier = ? FOR UPDATE")) {
            lock.setString(1, w.identifier());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
                version = rs.getLong(2) + 1;
            }
        }
        int added = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO window_sample (reading_key, window_id, "
                + "version, measured_at, value) VALUES (?, ?, ?, ?, ?) ON CONFLICT (reading_key) DO NOTHING")) {
            for (Sample s : samples) {
                insert.setString(1, s.readingKey());
                insert.setLong(2, id);
                insert.setLong(3, version);
                insert.setTimestamp(4, Timestamp.from(s.measuredAt()));
                insert.setBigDecimal(5, s.value());
                added += insert.executeUpdate();
            }
        }
        if (added > 0) {
            try (PreparedStatement update = c.prepareStatement("UPDATE stream_window SET samples_version = ?, "
                    + "due_at = CASE WHEN samples_version = written_version THEN ? ELSE due_at END WHERE id = ?")) {
                update.setLong(1, version);
                update.setTimestamp(2, Timestamp.from(due));
                update.setLong(3, id);
                update.executeUpdate();
            }
        }
        return id;
    }

    /** Ids of windows due to be written at {@code now}, the longest waiting first. */
    public List<Long> due(Instant now, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id FROM stream_window "
                     + "WHERE samples_version > written_version AND due_at <= ? ORDER BY due_at LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(now));
            select.setInt(2, limit);
            return Jdbc.list(select, rs -> rs.getLong(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read due windows: " + e.getMessage(), e);
        }
    }

    /** Windows holding samples that FHIR does not have yet: open ones, due ones and failing ones. */
    public long pendingCount() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT count(*) FROM stream_window WHERE samples_version > written_version");
             ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count pending windows: " + e.getMessage(), e);
        }
    }

    /**
     * Takes a due window for writing: no other replica can take it until the returned claim is closed (a
     * transaction-scoped advisory lock, released by commit, rollback, or the connection's end if this process
     * dies). Ingest is not blocked meanwhile: samples arriving during the write get a higher version and leave the
     * window pending for the next write.
     *
     * @return the claim, or empty when the window is not due (any more) or another replica is writing it
     */
    public Optional<WindowClaim> claim(long windowId, Instant now) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            Optional<WindowClaim> claim = claim(c, windowId, now);
            if (claim.isEmpty()) {
                c.rollback();
                c.close();
            }
            return claim;
        } catch (SQLException | RuntimeException e) {
            Jdbc.abandon(c);
            throw new IllegalStateException("cannot claim window " + windowId + ": " + e.getMessage(), e);
        }
    }

    private static Optional<WindowClaim> claim(Connection c, long windowId, Instant now) throws SQLException {
        if (!Jdbc.tryTransactionLock(c, LOCK_NAMESPACE, (int) (windowId ^ (windowId >>> 32)))) {
            return Optional.empty();
        }
        StreamWindow window;
        long version;
        int attempts;
        try (PreparedStatement select = c.prepareStatement("SELECT identifier, patient, device, type, code, loinc, "
                + "unit, starts_at, ends_at, samples_version, attempts FROM stream_window "
                + "WHERE id = ? AND samples_version > written_version AND due_at <= ?")) {
            select.setLong(1, windowId);
            select.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                window = new StreamWindow(rs.getString(1), rs.getString(2), rs.getString(3),
                        MeasurementType.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant());
                version = rs.getLong(10);
                attempts = rs.getInt(11);
            }
        }
        List<Sample> samples;
        try (PreparedStatement select = c.prepareStatement("SELECT reading_key, measured_at, value FROM window_sample "
                + "WHERE window_id = ? AND version <= ? ORDER BY measured_at, reading_key")) {
            select.setLong(1, windowId);
            select.setLong(2, version);
            samples = Jdbc.list(select, rs -> new Sample(rs.getString(1), rs.getTimestamp(2).toInstant(),
                    rs.getBigDecimal(3)));
        }
        return Optional.of(new WindowClaim(c, windowId, window, version, attempts, samples));
    }

    /** Where a reading's sample is: its window and whether FHIR has it yet. */
    public Optional<SampleTrail> trail(String readingKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT w.id, w.identifier, w.starts_at, w.ends_at, "
                     + "s.version <= w.written_version, w.attempts, w.last_error FROM window_sample s "
                     + "JOIN stream_window w ON w.id = s.window_id WHERE s.reading_key = ?")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new SampleTrail(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(), rs.getBoolean(5), rs.getInt(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read window samples: " + e.getMessage(), e);
        }
    }

    /**
     * A reading's place in a window.
     *
     * @param written   whether the window's Observation, as last written, holds the sample
     * @param attempts  failed writes since the last successful one
     * @param lastError the last failed write's error, {@code null} after a success
     */
    public record SampleTrail(long windowId, String identifier, Instant start, Instant end, boolean written,
                              int attempts, String lastError) {
    }
}
