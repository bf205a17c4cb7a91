package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.GatewayConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's durable buffer: every accepted reading is committed to a local SQLite file (WAL) before its source
 * acknowledges it to the device, and leaves the {@link RowState#QUEUED} state only through the uplink. One method per
 * state transition; each changes only rows in the state it expects.
 */
@Singleton
public class ReadingBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingBuffer.class);

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS reading (
                id           INTEGER PRIMARY KEY AUTOINCREMENT,
                reading_key  TEXT    NOT NULL UNIQUE,
                state        TEXT    NOT NULL,
                accepted_at  INTEGER NOT NULL,
                payload      BLOB    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS reading_state_id ON reading (state, id);
            """;

    private final ContractCodec codec = new ContractCodec();
    private final Clock clock;
    private final Path file;
    private final Connection db;
    // SQLite has one writer; one connection behind one lock keeps transactions from interleaving.
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private final Queue<PendingAppend> pendingAppends = new ConcurrentLinkedQueue<>();

    public ReadingBuffer(GatewayConfig gateway, BufferConfig config) {
        this(config.getPath().map(Path::of).orElse(gateway.getDataDir().resolve("buffer.db")),
                config.getSynchronous(), Clock.systemUTC());
    }

    public ReadingBuffer(Path file, String synchronous, Clock clock) {
        this.clock = clock;
        this.file = file;
        try {
            createPrivateFile(file);
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + requireSynchronousMode(synchronous));
                s.execute("PRAGMA busy_timeout=5000");
                s.executeUpdate(SCHEMA);
            }
            db.setAutoCommit(false);
            db.commit();
        } catch (SQLException e) {
            // Never recreate or silently replace a buffer we cannot open: it may hold unsent readings.
            throw new IllegalStateException("cannot open the reading buffer at " + file + ": " + e.getMessage(), e);
        }
        int requeued = recoverOnStartup();
        if (requeued > 0) {
            LOG.info("buffer recovery: {} in-flight readings returned to the queue", requeued);
        }
    }

    /** The SQLite file; other small stores of the gateway's state keep their tables in it. */
    public Path file() {
        return file;
    }

    /** Called after every append that added readings, so that the uplink drains at once instead of on a timer. */
    public void onAppend(Runnable listener) {
        appendListeners.add(listener);
    }

    /**
     * New readings → {@link RowState#QUEUED}, durably: returns only after the commit. Readings whose key is already
     * known are counted, not added.
     *
     * <p>Group commit: concurrent callers queue their readings, and whoever holds the write lock next commits every
     * queued request in one transaction — one fsync for many devices' packs instead of one each. A caller whose
     * request someone else committed just returns its result.
     */
    public AppendResult append(List<Reading> readings) {
        PendingAppend mine = new PendingAppend(readings);
        pendingAppends.add(mine);
        lock.lock();
        try {
            if (!mine.done) {
                commitPendingAppends();
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        if (mine.added > 0) {
            appendListeners.forEach(Runnable::run);
        }
        return new AppendResult(mine.added, readings.size() - mine.added);
    }

    /** One caller's readings waiting for the next group commit; its fields are written and read under the lock. */
    private static final class PendingAppend {
        final List<Reading> readings;
        boolean done;
        int added;
        BufferException failure;

        PendingAppend(List<Reading> readings) {
            this.readings = readings;
        }
    }

    private void commitPendingAppends() {
        List<PendingAppend> group = new ArrayList<>();
        for (PendingAppend p = pendingAppends.poll(); p != null; p = pendingAppends.poll()) {
            group.add(p);
        }
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT OR IGNORE INTO reading (reading_key, state, accepted_at, payload) VALUES (?, ?, ?, ?)")) {
            long now = clock.millis();
            for (PendingAppend p : group) {
                for (Reading reading : p.readings) {
                    insert.setString(1, reading.key());
                    insert.setString(2, RowState.QUEUED.name());
                    insert.setLong(3, now);
                    insert.setBytes(4, codec.encodeReading(reading));
                    insert.addBatch();
                }
            }
            int[] counts = insert.executeBatch();
            db.commit();
            int i = 0;
            for (PendingAppend p : group) {
                for (int n = 0; n < p.readings.size(); n++) {
                    p.added += counts[i++];
                }
                p.done = true;
            }
        } catch (SQLException | RuntimeException e) {
            rollback();
            int total = group.stream().mapToInt(p -> p.readings.size()).sum();
            BufferException failure = new BufferException("append of " + total + " readings failed", e);
            for (PendingAppend p : group) {
                p.failure = failure;
                p.done = true;
            }
        }
    }

    /** {@link RowState#QUEUED} → {@link RowState#IN_FLIGHT}: the oldest queued readings, at most {@code max}. */
    public List<BufferedReading> claimNext(int max) {
        lock.lock();
        try (PreparedStatement select = db.prepareStatement(
                "SELECT id, payload FROM reading WHERE state = ? ORDER BY id LIMIT ?")) {
            select.setString(1, RowState.QUEUED.name());
            select.setInt(2, max);
            List<BufferedReading> claimed = new ArrayList<>();
            List<Long> unreadable = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    try {
                        claimed.add(new BufferedReading(id, codec.decodeReading(rs.getBytes(2))));
                    } catch (ContractViolation e) {
                        LOG.error("buffer row {} is unreadable, set aside as UNREADABLE: {}", id, e.getMessage());
                        unreadable.add(id);
                    }
                }
            }
            transition(claimed.stream().map(BufferedReading::rowId).toList(), RowState.QUEUED, RowState.IN_FLIGHT);
            transition(unreadable, RowState.QUEUED, RowState.UNREADABLE);
            db.commit();
            return claimed;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("claim failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** {@link RowState#IN_FLIGHT} → {@link RowState#ACKNOWLEDGED}: the broker confirmed them. */
    public int markAcknowledged(List<Long> rowIds) {
        return transitionCommitted(rowIds, RowState.IN_FLIGHT, RowState.ACKNOWLEDGED);
    }

    /** {@link RowState#IN_FLIGHT} → {@link RowState#QUEUED}: the publish failed or its outcome is unknown. */
    public int requeue(List<Long> rowIds) {
        return transitionCommitted(rowIds, RowState.IN_FLIGHT, RowState.QUEUED);
    }

    /**
     * After a crash every {@link RowState#IN_FLIGHT} row goes back to {@link RowState#QUEUED}: its PUBACK may never
     * have come. Sending it again is safe, because the cloud deduplicates by reading key.
     *
     * @return how many rows were requeued
     */
    public int recoverOnStartup() {
        lock.lock();
        try (PreparedStatement update = db.prepareStatement("UPDATE reading SET state = ? WHERE state = ?")) {
            update.setString(1, RowState.QUEUED.name());
            update.setString(2, RowState.IN_FLIGHT.name());
            int n = update.executeUpdate();
            db.commit();
            return n;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("recovery failed", e);
        } finally {
            lock.unlock();
        }
    }

    public BufferStats stats() {
        lock.lock();
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT "
                     + "SUM(state = 'QUEUED'), SUM(state = 'IN_FLIGHT'), SUM(state = 'ACKNOWLEDGED'), "
                     + "MIN(CASE WHEN state IN ('QUEUED', 'IN_FLIGHT') THEN accepted_at END) FROM reading")) {
            rs.next();
            long oldest = rs.getLong(4);
            Optional<Duration> age = rs.wasNull() ? Optional.empty()
                    : Optional.of(Duration.between(Instant.ofEpochMilli(oldest), clock.instant()));
            BufferStats stats = new BufferStats(rs.getLong(1) + rs.getLong(2), rs.getLong(2), rs.getLong(3), age);
            db.commit();
            return stats;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("stats failed", e);
        } finally {
            lock.unlock();
        }
    }

    @PreDestroy
    @Override
    public void close() {
        lock.lock();
        try {
            db.close();
        } catch (SQLException e) {
            LOG.warn("closing the buffer: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private int transitionCommitted(List<Long> rowIds, RowState from, RowState to) {
        lock.lock();
        try {
            int n = transition(rowIds, from, to);
            db.commit();
            return n;
        } catch (SQLException e) {
            rollback();
            throw new BufferException(from + " → " + to + " failed", e);
        } finally {
            lock.unlock();
        }
    }

    private int transition(List<Long> rowIds, RowState from, RowState to) throws SQLException {
        if (rowIds.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = db.prepareStatement("UPDATE reading SET state = ? WHERE id = ? AND state = ?")) {
            for (long id : rowIds) {
                update.setString(1, to.name());
                update.setLong(2, id);
                update.setString(3, from.name());
                update.addBatch();
            }
            int changed = 0;
            for (int count : update.executeBatch()) {
                changed += count;
            }
            return changed;
        }
    }

    private void rollback() {
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.warn("rollback failed: {}", e.getMessage());
        }
    }

    private static String requireSynchronousMode(String mode) {
        if (!List.of("FULL", "NORMAL", "EXTRA").contains(mode)) {
            throw new IllegalArgumentException("vitalwire.gateway.buffer.synchronous must be FULL, NORMAL or EXTRA");
        }
        return mode;
    }

    /** Readings are medical data: the file is readable by the gateway's user only, from its first byte. */
    private static void createPrivateFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.notExists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the reading buffer " + file, e);
        }
    }
}
