package io.vitalwire.ingest.window;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * A window taken for writing by this replica ({@link WindowStore#claim}): its samples up to {@link #version()}, and
 * one transition to record how the write went. Closing it releases the window to the other replicas.
 */
public final class WindowClaim implements AutoCloseable {

    private final Connection connection;
    private final long id;
    private final StreamWindow window;
    private final long version;
    private final int attempts;
    private final List<Sample> samples;

    WindowClaim(Connection connection, long id, StreamWindow window, long version, int attempts,
                List<Sample> samples) {
        this.connection = connection;
        this.id = id;
        this.window = window;
        this.version = version;
        this.attempts = attempts;
        this.samples = List.copyOf(samples);
    }

    public long id() {
        return id;
    }

    public StreamWindow window() {
        return window;
    }

    /** The window's samples version these samples are; written back as the window's written version. */
    public long version() {
        return version;
    }

    /** Failed writes since the last successful one. */
    public int attempts() {
        return attempts;
    }

    public List<Sample> samples() {
        return samples;
    }

    /** The window's Observation now holds these samples. */
    public void written(String observation, Instant at) {
        finish("UPDATE stream_window SET written_version = GREATEST(written_version, ?), observation = ?, "
                + "written_at = ?, attempts = 0, last_error = NULL WHERE id = ?", update -> {
            update.setLong(1, version);
            update.setString(2, observation);
            update.setTimestamp(3, Timestamp.from(at));
            update.setLong(4, id);
        });
    }

    /** The write failed: the window stays pending and is tried again at {@code retryAt}. */
    public void failed(String error, Instant retryAt) {
        String why = error == null ? "(no message)" : error.length() > 1000 ? error.substring(0, 1000) : error;
        finish("UPDATE stream_window SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE id = ?",
                update -> {
                    update.setString(1, why);
                    update.setTimestamp(2, Timestamp.from(retryAt));
                    update.setLong(3, id);
                });
    }

    private interface Binder {
        void bind(PreparedStatement update) throws SQLException;
    }

    private void finish(String sql, Binder binder) {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            binder.bind(update);
            update.executeUpdate();
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the write of window " + id + ": " + e.getMessage(), e);
        }
    }

    /** Rolls back whatever was not recorded, which releases the window. */
    @Override
    public void close() {
        try {
            connection.rollback();
            connection.close();
        } catch (SQLException e) {
            // A broken connection: the pool discards it and PostgreSQL releases the lock with it.
        }
    }
}
