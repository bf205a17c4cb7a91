package io.vitalwire.ingest.window;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Array;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
     * <p>Four statements whatever the number of windows and samples (a claim of a thousand 1 Hz streams' samples
     * touches a thousand windows): the windows created, the windows locked, the samples inserted, the versions of
     * the windows that grew raised. Windows are created and locked in order of identifier, the same order on every
     * replica, so two additions touching the same windows take turns instead of deadlocking.
     *
     * @return the id of each sample's window, by reading key
     */
    public Map<String, Long> add(List<WindowedSample> samples, Instant now, Duration grace) {
        Map<StreamWindow, List<Sample>> byWindow = new LinkedHashMap<>();
        for (WindowedSample s : samples) {
            byWindow.computeIfAbsent(s.window(), w -> new ArrayList<>()).add(s.sample());
        }
        List<StreamWindow> windows = new ArrayList<>(byWindow.keySet());
        windows.sort(Comparator.comparing(StreamWindow::identifier));
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                create(c, windows, now, grace);
                Map<String, Locked> locked = lock(c, windows);
                List<Long> ids = new ArrayList<>();
                List<Long> versions = new ArrayList<>();
                List<Sample> rows = new ArrayList<>();
                Map<String, Long> windowIds = new HashMap<>();
                for (StreamWindow w : windows) {
                    Locked l = locked.get(w.identifier());
                    for (Sample s : byWindow.get(w)) {
                        ids.add(l.id());
                        versions.add(l.version() + 1);
                        rows.add(s);
                        windowIds.put(s.readingKey(), l.id());
                    }
                }
                Set<Long> grown = insertSamples(c, ids, versions, rows);
                raiseVersions(c, windows.stream().filter(w -> grown.contains(locked.get(w.identifier()).id()))
                        .toList(), locked, now, grace);
                return windowIds;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store window samples: " + e.getMessage(), e);
        }
    }

    /** A window's row, locked until commit: its id and the version of its samples before this addition. */
    private record Locked(long id, long version) {
    }

    private static Instant due(StreamWindow w, Instant now, Duration grace) {
        return (w.end().isAfter(now) ? w.end() : now).plus(grace);
    }

    private static void create(Connection c, List<StreamWindow> windows, Instant now, Duration grace)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO stream_window (identifier, patient, device, "
                + "type, code, loinc, unit, starts_at, ends_at, due_at) SELECT * FROM unnest(?::text[], ?::text[], "
                + "?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[], "
                + "?::timestamptz[]) ORDER BY 1 ON CONFLICT (identifier) DO NOTHING")) {
            insert.setArray(1, array(c, "text", windows, StreamWindow::identifier));
            insert.setArray(2, array(c, "text", windows, StreamWindow::patient));
            insert.setArray(3, array(c, "text", windows, StreamWindow::device));
            insert.setArray(4, array(c, "text", windows, w -> w.type().name()));
            insert.setArray(5, array(c, "text", windows, StreamWindow::code));
            insert.setArray(6, array(c, "text", windows, StreamWindow::loinc));
            insert.setArray(7, array(c, "text", windows, StreamWindow::unit));
            insert.setArray(8, array(c, "timestamptz", windows, w -> Timestamp.from(w.start())));
            insert.setArray(9, array(c, "timestamptz", windows, w -> Timestamp.from(w.end())));
            insert.setArray(10, array(c, "timestamptz", windows, w -> Timestamp.from(due(w, now, grace))));
            insert.executeUpdate();
        }
    }

    /** Locks the windows' rows until commit: concurrent additions to one window take turns, so versions are unique. */
    private static Map<String, Locked> lock(Connection c, List<StreamWindow> windows) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT identifier, id, samples_version FROM stream_window "
                + "WHERE identifier = ANY(?) ORDER BY identifier FOR UPDATE")) {
            select.setArray(1, array(c, "text", windows, StreamWindow::identifier));
            Map<String, Locked> locked = new HashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    locked.put(rs.getString(1), new Locked(rs.getLong(2), rs.getLong(3)));
                }
            }
            return locked;
        }
    }

    /** @return the windows that got at least one sample they did not hold */
    private static Set<Long> insertSamples(Connection c, List<Long> windowIds, List<Long> versions,
                                           List<Sample> samples) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO window_sample (reading_key, window_id, "
                + "version, measured_at, value, clock_quality) SELECT * FROM unnest(?::text[], ?::bigint[], "
                + "?::bigint[], ?::timestamptz[], ?::numeric[], ?::text[]) ORDER BY 1 "
                + "ON CONFLICT (reading_key) DO NOTHING RETURNING window_id")) {
            insert.setArray(1, array(c, "text", samples, Sample::readingKey));
            insert.setArray(2, c.createArrayOf("bigint", windowIds.toArray()));
            insert.setArray(3, c.createArrayOf("bigint", versions.toArray()));
            insert.setArray(4, array(c, "timestamptz", samples, s -> Timestamp.from(s.measuredAt())));
            insert.setArray(5, array(c, "numeric", samples, Sample::value));
            insert.setArray(6, array(c, "text", samples, s -> s.clockQuality() == null ? null
                    : s.clockQuality().name()));
            return new HashSet<>(Jdbc.list(insert, rs -> rs.getLong(1)));
        }
    }

    private static void raiseVersions(Connection c, List<StreamWindow> grown, Map<String, Locked> locked,
                                      Instant now, Duration grace) throws SQLException {
        if (grown.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE stream_window w SET samples_version = g.version, "
                + "due_at = CASE WHEN w.samples_version = w.written_version THEN g.due ELSE w.due_at END "
                + "FROM unnest(?::bigint[], ?::bigint[], ?::timestamptz[]) AS g(id, version, due) WHERE w.id = g.id")) {
            update.setArray(1, array(c, "bigint", grown, w -> locked.get(w.identifier()).id()));
            update.setArray(2, array(c, "bigint", grown, w -> locked.get(w.identifier()).version() + 1));
            update.setArray(3, array(c, "timestamptz", grown, w -> Timestamp.from(due(w, now, grace))));
            update.executeUpdate();
        }
    }

    private static <T> Array array(Connection c, String type, List<T> rows, Function<T, Object> column)
            throws SQLException {
        return c.createArrayOf(type, rows.stream().map(column).toArray());
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
        try (PreparedStatement select = c.prepareStatement("SELECT reading_key, measured_at, value, clock_quality "
                + "FROM window_sample "
                + "WHERE window_id = ? AND version <= ? ORDER BY measured_at, reading_key")) {
            select.setLong(1, windowId);
            select.setLong(2, version);
            samples = Jdbc.list(select, rs -> new Sample(rs.getString(1), rs.getTimestamp(2).toInstant(),
                    rs.getBigDecimal(3), rs.getString(4) == null ? null : ClockQuality.valueOf(rs.getString(4))));
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
