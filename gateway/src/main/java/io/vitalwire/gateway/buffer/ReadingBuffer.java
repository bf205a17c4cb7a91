package io.vitalwire.gateway.buffer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.PackSealer.SealedPack;
import io.vitalwire.gateway.buffer.PackSealer.SealedReading;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.identity.SystemdCredentials;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
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
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's durable buffer: every accepted reading is committed to a local SQLite file (WAL), its payload
 * encrypted, before its source acknowledges it to the device, and leaves the {@link RowState#QUEUED} state only
 * through the uplink. One method per state transition; each changes only rows in the state it expects.
 *
 * <p>Each row has a {@link Lane}. The uplink gets what arrived since the link last came up first, then the backlog
 * lane by lane; a filling buffer refuses the lowest lanes first and records what it refused as a {@link Gap}.
 */
@Singleton
public class ReadingBuffer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadingBuffer.class);

    /** Rows per purge transaction: short enough that intake never waits long for the write lock. */
    private static final int PURGE_CHUNK = 1_000;
    private static final Duration COUNT_CHECK_INTERVAL = Duration.ofHours(1);
    private static final long COUNT_CHECK_MAX_ROWS = 20_000;
    /** Purge chunks an append at capacity may spend before refusing: bounds the wait of that append. */
    private static final int CAPACITY_PURGE_CHUNKS = 4;
    /** Pages per incremental-vacuum transaction (4 MiB of 4 KiB pages). */
    private static final int VACUUM_CHUNK_PAGES = 1_024;
    /** Free pages below this stay in the file for the next appends instead of being given back. */
    private static final int RELEASE_THRESHOLD_PAGES = 256;
    /** Rows tried at start-up to prove the key is the one the buffer was written with. */
    private static final int KEY_CHECK_SAMPLE = 8;

    /**
     * One lane's queued rows in an id range, oldest first: read on in id order from the lane's resume point (no index
     * by lane, see {@link RowCounts}), past rows of other lanes.
     */
    static final String CLAIM_SQL = "SELECT id, reading_key, payload FROM reading "
            + "WHERE state = 'QUEUED' AND lane = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?";
    /** A lane's next queued row on disk after an id: to step over acknowledged runs to the oldest unsent row. */
    static final String NEXT_QUEUED_SQL = "SELECT id FROM reading WHERE state = 'QUEUED' AND lane = ? AND id > ? "
            + "ORDER BY id LIMIT 1";
    /**
     * SQLite pages in use (free pages excluded: they are reused before the file grows), in bytes. From the database
     * header: it costs the same with a million rows as with none.
     */
    private static final String USED_BYTES_SQL = "SELECT (p.page_count - f.freelist_count) * z.page_size "
            + "FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() z";
    /**
     * Per state and lane: the {@link RowCounts}, never the table; and, in the same statement (one snapshot), the
     * acknowledged rows per lane, which are among the QUEUED ones on disk (see {@link AcknowledgedRuns}).
     */
    static final String STATS_SQL = "SELECT state, lane, rows FROM row_count "
            + "UNION ALL SELECT 'ACKNOWLEDGED_RUNS', lane, SUM(last_id - first_id + 1) FROM acknowledged GROUP BY lane";

    /**
     * The page cache of the connections beside the writer's (SQLite's default is 2 MB each, in the hub's memory once
     * touched): they read counts and small tables, and the operating system caches the file's pages anyway. The writer
     * keeps the default: claims and inserts walk the table and its indexes.
     */
    static final String SMALL_PAGE_CACHE = "PRAGMA cache_size=-256";

    private final Clock clock;
    /** When {@link #maintain} next checks the row counts; maintenance's own thread only. */
    private Instant nextCountCheck;
    private final Path file;
    private final BufferSettings settings;
    private final BufferCounters counters;
    private final Connection db;
    // SQLite has one writer; one connection behind one lock keeps transactions from interleaving.
    private final ReentrantLock lock = new ReentrantLock();
    /** Attempts at one group commit that loses the write lock to the acknowledging connection (see commitGroup). */
    private static final int GROUP_COMMIT_ATTEMPTS = 5;
    // Stats and gap reads use their own connection: WAL lets them read while the writer commits, so a count over a
    // million rows never delays a device's append.
    private final Connection reader;
    /**
     * Acknowledgements commit on their own connection, without waiting for the disk ({@code synchronous=NORMAL}):
     * should a power cut take such a commit back, its rows are QUEUED again and sent again, which the cloud
     * deduplicates by key — while syncing every acknowledgement cost the uplink as much as all the rest of its work.
     * WAL commits reach the disk in order, so the next synchronous commit carries the acknowledgements with it.
     * Used under {@link #lock}, like {@link #db}, so the two never write at once.
     */
    private final Connection acks;
    private final PayloadCipher cipher;
    private final PackSealer sealer;
    private final String keySource;
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private final Queue<PendingAppend> pendingAppends = new ConcurrentLinkedQueue<>();
    /** Notified when a group commit ends; {@link #committing} is written under the lock and this monitor. */
    private final Object commitEnded = new Object();
    private volatile boolean committing;
    private PreparedStatement usedBytesQuery;
    /** Rows the uplink holds, and the live/backlog boundary of the claims; guarded by {@link #lock}. */
    private final InFlightRows inFlight = new InFlightRows();
    /** Whether the last commit found room on the filesystem. */
    private final DiskSpace disk = new DiskSpace();
    /** Refusals of a full disk, until a commit can record their gap; guarded by {@link #lock}. */
    private final DeferredGaps deferredGaps = new DeferredGaps();
    /**
     * Rows receipted (or, with receipts off, PUBACKed) whose acknowledgement the full disk refused: kept held, so that
     * they are neither claimed nor sent again, and written with the next acknowledgement or maintenance pass that
     * commits.
     * Sending them again would be safe but would put every reading of a disk-full stretch twice on the wire.
     * Guarded by {@link #lock}.
     */
    private final Set<Long> acknowledgedUnwritten = new LinkedHashSet<>();
    /** Which rows are acknowledged; guarded by {@link #lock}. */
    private final AcknowledgedRuns acknowledged = new AcknowledgedRuns();

    @Inject
    public ReadingBuffer(GatewayConfig gateway, BufferConfig config, MeterRegistry meters, Clock clock) {
        this(BufferSettings.of(gateway, config, System.getenv(BufferKey.ENVIRONMENT_VARIABLE),
                SystemdCredentials.fromEnvironment()), clock, meters);
    }

    /** A buffer with the configuration's defaults ({@link BufferSettings#defaults}): for tests and tools. */
    public ReadingBuffer(Path file, String synchronous, Clock clock) {
        this(BufferSettings.defaults(file).withSynchronous(synchronous), clock, new SimpleMeterRegistry());
    }

    /**
     * Opens (or creates) the buffer. Refuses to start, changing nothing, if the buffer holds readings that the key
     * cannot decrypt, or holds readings and has no key at all.
     */
    public ReadingBuffer(BufferSettings settings, Clock clock, MeterRegistry meters) {
        this.clock = clock;
        this.settings = settings;
        this.file = settings.file();
        this.counters = new BufferCounters(meters);
        requireSynchronousMode(settings.synchronous());
        createPrivateFile(file);
        Connection writer = null;
        Connection readOnly = null;
        Connection acknowledging = null;
        try {
            writer = DriverManager.getConnection("jdbc:sqlite:" + file);
            BufferKey key = openFile(writer, settings);
            this.cipher = new PayloadCipher(key);
            this.sealer = new PackSealer(cipher);
            this.keySource = key.source();
            if (BufferSchema.isFirstLayout(writer)) {
                BufferSchema.upgradeFirstLayout(writer, cipher);
            } else if (BufferSchema.holdsReadings(writer)) {
                requireKeyOpensSomeRow(writer);
            }
            BufferSchema.create(writer);
            convertToIncrementalVacuum(writer);
            writer.setAutoCommit(false);
            this.db = writer;
            readOnly = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = readOnly.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("PRAGMA query_only=1");
                s.execute(SMALL_PAGE_CACHE);
            }
            this.reader = readOnly;
            acknowledging = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = acknowledging.createStatement()) {
                s.execute("PRAGMA busy_timeout=5000");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute(SMALL_PAGE_CACHE);
            }
            acknowledging.setAutoCommit(false);
            this.acks = acknowledging;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(acknowledging);
            closeQuietly(readOnly);
            closeQuietly(writer);
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            // Never recreate or silently replace a buffer we cannot open: it may hold unsent readings.
            throw new IllegalStateException("cannot open the reading buffer at " + file + ": " + e.getMessage(), e);
        }
        int requeued = recoverOnStartup();
        if (requeued > 0) {
            LOG.info("buffer recovery: {} in-flight readings returned to the queue", requeued);
        }
        locked("reading the acknowledged runs", () -> {
            acknowledged.load(db);
            return null;
        });
        long highest = maxId();
        withLock(() -> inFlight.restart(highest));
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
     * New readings → {@link RowState#QUEUED} in {@code lane}, durably: returns only after the commit. Readings whose
     * key is already known are counted, not added.
     *
     * <p>Group commit: concurrent callers queue their readings (encoded and encrypted on their own threads; a large
     * append's also on the other cores, see {@link PackSealer}), and whoever holds the write lock next commits every
     * queued request in one transaction — one fsync for many devices' packs instead of one each. A caller whose
     * request someone else committed just returns its result.
     *
     * @throws BufferFullException the buffer is at capacity for this lane; nothing was stored, the refusal is
     *                             counted and recorded as a gap
     * @throws BufferException     nothing was stored
     */
    public AppendResult append(Lane lane, List<Reading> readings) {
        if (readings.isEmpty()) {
            return new AppendResult(0, 0, Set.of());
        }
        EachAppend only = appendEach(lane, List.of(readings)).get(0);
        if (only.failure() != null) {
            throw only.failure();
        }
        return only.result();
    }

    /** One of {@link #appendEach}'s appends: its result, or why nothing of it was stored. */
    public record EachAppend(AppendResult result, BufferException failure) {
    }

    /**
     * Several appends in one group commit, each taken or refused on its own as {@link #append} would take it — a
     * reading one of them shares a key with, committed by an earlier one of the same call, is known to the later one,
     * exactly as if they had come one after the other: for the intake's groups of stream samples (one commit, and
     * each delivery's keys checked on their own).
     *
     * @return one entry per append, in their order
     * @throws BufferException nothing was stored: the readings could not be sealed
     */
    public List<EachAppend> appendEach(Lane lane, List<List<Reading>> appends) {
        List<PendingAppend> mine = new ArrayList<>(appends.size());
        try {
            for (List<Reading> readings : appends) {
                mine.add(new PendingAppend(lane, sealer.seal(readings)));
            }
        } catch (RuntimeException e) {
            throw new BufferException("append of " + appends.stream().mapToInt(List::size).sum()
                    + " readings failed", e);
        }
        pendingAppends.addAll(mine);
        awaitCommit(mine);
        if (mine.stream().anyMatch(p -> p.failure == null && p.added > 0)) {
            appendListeners.forEach(Runnable::run);
        }
        return mine.stream().map(p -> p.failure != null ? new EachAppend(null, p.failure)
                : new EachAppend(new AppendResult(p.added, p.readings.size() - p.added, p.known), null)).toList();
    }

    /**
     * Returns once {@code mine} are committed (or refused): by a group commit already running, which carried them if it
     * started after they were queued — waited for without the write lock, so that the writers it carried return at
     * once instead of taking the lock one after another only to find their packs done — or by this thread's own.
     */
    private void awaitCommit(List<PendingAppend> mine) {
        boolean mayWait = true;
        while (!allDone(mine)) {
            synchronized (commitEnded) {
                while (mayWait && committing && !allDone(mine)) {
                    try {
                        commitEnded.wait();
                    } catch (InterruptedException e) {
                        // The appends are queued: see them through under the lock, and keep the interrupt for later.
                        Thread.currentThread().interrupt();
                        mayWait = false;
                    }
                }
            }
            if (allDone(mine)) {
                return;
            }
            lock.lock();
            try {
                if (!allDone(mine)) {
                    commitPendingAppends();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private static boolean allDone(List<PendingAppend> appends) {
        for (PendingAppend p : appends) {
            if (!p.done) {
                return false;
            }
        }
        return true;
    }

    /**
     * One caller's readings waiting for the next group commit. Its fields are written under the lock, {@link #done}
     * last: a caller that sees it set (without the lock) sees the rest.
     */
    private static final class PendingAppend {
        final Lane lane;
        final SealedPack readings;
        volatile boolean done;
        int added;
        final Set<String> known = new HashSet<>();
        BufferException failure;

        PendingAppend(Lane lane, SealedPack readings) {
            this.lane = lane;
            this.readings = readings;
        }
    }

    /** Under the lock: commits every queued append, then wakes the callers waiting for it ({@link #awaitCommit}). */
    private void commitPendingAppends() {
        committing = true;
        try {
            List<PendingAppend> group = new ArrayList<>();
            for (PendingAppend p = pendingAppends.poll(); p != null; p = pendingAppends.poll()) {
                group.add(p);
            }
            long now = clock.millis();
            for (int attempt = 1; !commitGroup(group, now, attempt < GROUP_COMMIT_ATTEMPTS); attempt++) {
                counters.busyRetry();
            }
        } finally {
            synchronized (commitEnded) {
                committing = false;
                commitEnded.notifyAll();
            }
        }
    }

    /**
     * Makes the group's transaction a writer before it reads: a statement that writes nothing still takes SQLite's
     * write lock, waiting on the busy timeout while another connection holds it. A transaction that read first
     * (the size, which keys are known) would instead be refused at its first write whenever another connection (the
     * acknowledgements, the record cursors) committed after that read — at once, with no waiting.
     */
    private void takeWriteLock() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate("UPDATE reading SET state = state WHERE 0");
        }
    }

    /**
     * One attempt at the group's transaction.
     *
     * @param mayRetry whether a lost race for the write lock may be tried again
     * @return false when it lost the write lock ({@code SQLITE_BUSY}: held by another connection past the busy
     *         timeout, or refused at once because something on this connection had read before and its snapshot is
     *         stale); rolled back, a new attempt starts afresh. Seen in the demo with a BLE stream, a glucose meter's
     *         records and CoAP devices at once: a device was answered 5.00 for readings the buffer could have
     *         taken.
     */
    private boolean commitGroup(List<PendingAppend> group, long now, boolean mayRetry) {
        group.forEach(p -> p.failure = null);
        try {
            takeWriteLock();
            List<PendingAppend> refused = refuseAtCapacity(group);
            List<Integer> counts = new ArrayList<>();
            try (PreparedStatement insert = db.prepareStatement("INSERT OR IGNORE INTO reading "
                    + "(reading_key, state, lane, accepted_at, payload) VALUES (?, 'QUEUED', ?, ?, ?)")) {
                // Chunk by chunk: a large append's next chunk is sealed on another core while this one is inserted.
                for (PendingAppend p : group) {
                    if (refused.contains(p)) {
                        continue;
                    }
                    for (int c = 0; c < p.readings.chunkCount(); c++) {
                        for (SealedReading r : sealedChunk(p, c)) {
                            insert.setString(1, r.key());
                            insert.setInt(2, p.lane.rank());
                            insert.setLong(3, now);
                            insert.setBytes(4, r.payload());
                            insert.addBatch();
                        }
                        if (p.readings.chunkCount() > 1) {
                            addCounts(counts, insert.executeBatch());
                        }
                    }
                }
                addCounts(counts, insert.executeBatch());
            }
            countAdded(group, refused, counts);
            for (PendingAppend p : refused) {
                recordGap(p, now);
            }
            deferredGaps.writeTo(db);
            db.commit();
            committed();
            counters.groupCommitted(group.size(), group.stream().mapToInt(p -> p.readings.size()).sum());
            int i = 0;
            for (PendingAppend p : group) {
                if (!refused.contains(p)) {
                    for (String key : p.readings.keys()) {
                        int inserted = counts.get(i++);
                        p.added += inserted;
                        if (inserted == 0) {
                            p.known.add(key);
                        }
                    }
                }
                p.done = true;
            }
        } catch (SealFailed e) {
            // Only that append fails, as if it had failed on its caller's thread; the others go again without it.
            rollback();
            e.append.failure = new BufferException("append of " + e.append.readings.size() + " readings failed",
                    e.getCause());
            e.append.done = true;
            List<PendingAppend> others = new ArrayList<>(group);
            others.remove(e.append);
            return others.isEmpty() || commitGroup(others, now, mayRetry);
        } catch (SQLException | RuntimeException e) {
            rollback();
            if (mayRetry && Transactions.lostWriteLock(e)) {
                return false;
            }
            if (DiskSpace.isFull(e)) {
                refuseOnFullDisk(group, now);
                return true;
            }
            int total = group.stream().mapToInt(p -> p.readings.size()).sum();
            BufferException failure = new BufferException("append of " + total + " readings failed", e);
            for (PendingAppend p : group) {
                p.failure = failure;
                p.done = true;
            }
        }
        return true;
    }

    /** The rows the group's inserts added, per lane, into {@link RowCounts}: in the group's transaction. */
    private void countAdded(List<PendingAppend> group, List<PendingAppend> refused, List<Integer> counts)
            throws SQLException {
        Map<Lane, Long> added = new EnumMap<>(Lane.class);
        int i = 0;
        for (PendingAppend p : group) {
            if (!refused.contains(p)) {
                for (int r = 0; r < p.readings.size(); r++) {
                    added.merge(p.lane, (long) counts.get(i++), Long::sum);
                }
            }
        }
        for (Map.Entry<Lane, Long> lane : added.entrySet()) {
            RowCounts.add(db, lane.getKey(), RowState.QUEUED, lane.getValue());
        }
    }

    private static void addCounts(List<Integer> counts, int[] batch) {
        for (int count : batch) {
            counts.add(count);
        }
    }

    /** The append's {@code chunk}th chunk of sealed readings, once sealed. */
    private static List<SealedReading> sealedChunk(PendingAppend p, int chunk) {
        try {
            return p.readings.chunk(chunk);
        } catch (CompletionException e) {
            throw new SealFailed(p, e.getCause());
        }
    }

    /** A chunk of {@code append}'s readings could not be sealed on a sealing thread. */
    private static final class SealFailed extends RuntimeException {
        private final transient PendingAppend append;

        SealFailed(PendingAppend append, Throwable cause) {
            super(cause);
            this.append = append;
        }
    }

    /**
     * The filesystem had no room for the group's commit: each append is refused as at capacity (its source keeps its
     * readings and retries), counted, and folded into a gap that the next successful commit records. An append whose
     * readings are all stored already is durable, full disk or not, and is answered so.
     */
    private void refuseOnFullDisk(List<PendingAppend> group, long now) {
        if (disk.full(clock.instant())) {
            LOG.error("the disk is full: the buffer cannot commit, so every reading is refused until there is room "
                    + "(a gap is recorded then); nothing stored is affected");
        }
        for (PendingAppend p : group) {
            if (alreadyStored(p)) {
                p.known.addAll(p.readings.keys());
            } else {
                p.failure = BufferFullException.diskFull(p.lane);
                deferredGaps.add(p.lane, now, p.readings.size(), p.readings.devices());
                counters.refused(p.lane, GapReason.DISK_FULL, p.readings.size());
            }
            p.done = true;
        }
    }

    private boolean alreadyStored(PendingAppend p) {
        try {
            return allKnown(p.readings);
        } catch (SQLException e) {
            return false;
        }
    }

    /** After any commit of the writer: the disk had room, and the gaps of a full disk are recorded with it. */
    private void committed() {
        deferredGaps.clear();
        if (disk.writable()) {
            LOG.warn("disk space is back: the buffer commits again");
        }
    }

    /**
     * The appends of the group this buffer must refuse, each given its {@link BufferFullException}. Acknowledged rows
     * go first: while a lane is refused, expired-or-not acknowledged rows are purged (a few chunks) before refusing.
     * An append whose readings are all already stored is never refused: they are durable, the device may forget them.
     */
    private List<PendingAppend> refuseAtCapacity(List<PendingAppend> group) throws SQLException {
        long max = settings.maxSizeBytes();
        long used = usedBytes();
        List<PendingAppend> refused = new ArrayList<>();
        int purgeChunks = 0;
        for (PendingAppend p : group) {
            while (p.lane.refusedAt(used, max) && purgeChunks < CAPACITY_PURGE_CHUNKS
                    && purgeAcknowledgedChunk(Long.MAX_VALUE) > 0) {
                db.commit();
                purgeChunks++;
                used = usedBytes();
            }
            if (p.lane.refusedAt(used, max) && !allKnown(p.readings)) {
                p.failure = BufferFullException.atCapacity(p.lane, used, max);
                refused.add(p);
            }
        }
        return refused;
    }

    private boolean allKnown(SealedPack readings) throws SQLException {
        try (PreparedStatement q = db.prepareStatement("SELECT 1 FROM reading WHERE reading_key = ?")) {
            for (String key : readings.keys()) {
                q.setString(1, key);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    private void recordGap(PendingAppend p, long now) throws SQLException {
        if (GapLog.record(db, p.lane, GapReason.CAPACITY, now, now, p.readings.size(), p.readings.devices())) {
            LOG.warn("{}: refusing them until there is room; a gap is recorded for the cloud", p.failure.getMessage());
        }
        counters.refused(p.lane, GapReason.CAPACITY, p.readings.size());
    }

    /**
     * The uplink (re)connected: rows appended from now on are live and go first; everything already buffered is
     * backlog. Called on every connection, so a reading taken during a long drain overtakes the backlog.
     */
    public void markLinkUp() {
        long highest = maxId();
        withLock(() -> inFlight.restart(highest));
    }

    /**
     * {@link RowState#QUEUED} → {@link RowState#IN_FLIGHT}: at most {@code max} readings, in this order —
     *
     * <ol>
     *   <li>live rows (appended since {@link #markLinkUp()}), lane by lane in priority order;</li>
     *   <li>then the backlog, lane by lane ({@link Lane#LIFECYCLE}, {@link Lane#CRITICAL}, {@link Lane#ROUTINE}).</li>
     * </ol>
     * Within a lane, rows go oldest first (id order), so each device's readings keep their order within the live
     * rows and within the backlog. A live reading overtakes its own device's backlog on purpose: every reading carries
     * its measurement time, and the cloud orders by that, not by arrival.
     *
     * <p>Rows that no longer decrypt or decode go to {@link RowState#UNREADABLE} instead, counted and logged by row id.
     */
    public List<BufferedReading> claimNext(int max) {
        lock.lock();
        try (PreparedStatement select = db.prepareStatement(CLAIM_SQL)) {
            List<BufferedReading> claimed = new ArrayList<>();
            Map<Long, Lane> lanes = new HashMap<>();
            Map<Lane, List<Long>> unreadable = new EnumMap<>(Lane.class);
            // A lane with no queued row on disk is not read for: without an index by lane, that read would go
            // through every other lane's row in the segment.
            Map<Lane, Long> queued = RowCounts.inState(db, RowState.QUEUED);
            long highest = highestId();
            for (boolean live : new boolean[] {true, false}) {
                for (Lane lane : Lane.values()) {
                    if (queued.get(lane) > 0) {
                        int before = claimed.size();
                        claimFrom(select, live, lane, max, highest, claimed, unreadable);
                        claimed.subList(before, claimed.size()).forEach(r -> lanes.put(r.rowId(), lane));
                    }
                }
            }
            inFlight.claimed(lanes);
            for (Map.Entry<Lane, List<Long>> lane : unreadable.entrySet()) {
                int moved = transition(lane.getValue(), RowState.QUEUED, RowState.UNREADABLE);
                RowCounts.move(db, lane.getKey(), RowState.QUEUED, RowState.UNREADABLE, moved);
            }
            // Also ends the read transaction: left open, its snapshot would go stale under the acknowledgements'
            // commits on their own connection, and this connection's next write would fail with SQLITE_BUSY_SNAPSHOT.
            db.commit();
            return claimed;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("claim failed", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fills {@code claimed} up to {@code max} from one lane of the live rows or of the backlog, skipping rows in flight
     * and acknowledged runs (whole: a run's rows are consecutive ids of this lane). A segment found exhausted is
     * resumed at its end ({@code highest}, the highest id there is, for the live rows) by the next claim.
     */
    private void claimFrom(PreparedStatement select, boolean live, Lane lane, int max, long highest,
                           List<BufferedReading> claimed, Map<Lane, List<Long>> unreadable) throws SQLException {
        while (claimed.size() + unreadableCount(unreadable) < max) {
            int room = max - claimed.size() - unreadableCount(unreadable);
            long[] range = inFlight.range(live, lane);
            select.setInt(1, lane.rank());
            select.setLong(2, range[0]);
            select.setLong(3, range[1]);
            select.setInt(4, room);
            int rows = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long id = rs.getLong(1);
                    Optional<AcknowledgedRuns.Run> run = acknowledged.containing(id);
                    if (run.isPresent()) {
                        inFlight.passed(live, lane, Math.min(run.get().last(), range[1]));
                        rows = room; // not the end of the lane: query again from past the run
                        break;
                    }
                    inFlight.passed(live, lane, id);
                    if (inFlight.holds(id)) {
                        continue;
                    }
                    String key = rs.getString(2);
                    byte[] encoded = open(id, key, rs.getBytes(3));
                    if (encoded == null) {
                        unreadable.computeIfAbsent(lane, l -> new ArrayList<>()).add(id);
                    } else {
                        claimed.add(new BufferedReading(id, key, encoded));
                    }
                }
            }
            if (rows < room) {
                inFlight.exhausted(live, lane, live ? highest : range[1]);
                return;
            }
        }
    }

    private static int unreadableCount(Map<Lane, List<Long>> unreadable) {
        int n = 0;
        for (List<Long> ids : unreadable.values()) {
            n += ids.size();
        }
        return n;
    }

    /**
     * The reading as {@link ContractCodec#encodeReading} wrote it, or null if the row does not decrypt. It is not
     * decoded again: it was a valid {@link Reading} when it was encoded, and the authenticated encryption proves the
     * bytes unchanged since — decoding 500 readings per batch only to encode them again was most of the uplink's CPU.
     */
    private byte[] open(long id, String key, byte[] payload) {
        try {
            return cipher.open(payload, key.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            counters.unreadable("undecryptable");
            LOG.error("buffer row {} does not decrypt with the key from {} (another key, or altered): set aside as "
                    + "UNREADABLE", id, keySource);
            return null;
        }
    }

    /**
     * {@link RowState#IN_FLIGHT} → {@link RowState#PUBLISHED}: the broker acknowledged them. In memory only (see
     * {@link RowState#PUBLISHED}): they stay held, neither claimed nor sent again, until their receipt comes
     * ({@link #markAcknowledged}) or is overdue ({@link #requeue}).
     *
     * @return rows published by this call
     */
    public int markPublished(List<Long> rowIds) {
        return withLock(() -> inFlight.publish(rowIds).size());
    }

    /**
     * {@link RowState#PUBLISHED} → {@link RowState#ACKNOWLEDGED}: cloud-ingest's receipt named them (with receipts
     * turned off, {@link RowState#IN_FLIGHT} → {@link RowState#ACKNOWLEDGED} on the broker's PUBACK). On a full disk
     * they stay held, acknowledged in memory only, until a later call or maintenance pass can write them (see
     * {@link #acknowledgedUnwritten}).
     *
     * @return rows acknowledged on disk by this call
     */
    public int markAcknowledged(List<Long> rowIds) {
        lock.lock();
        try {
            acknowledgedUnwritten.addAll(inFlight.held(rowIds));
            return writeAcknowledgements();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the rows acknowledged in memory, on disk. */
    private int writeAcknowledgements() {
        if (acknowledgedUnwritten.isEmpty()) {
            return 0;
        }
        List<Long> rows = List.copyOf(acknowledgedUnwritten);
        try {
            int n = acknowledge(rows);
            acks.commit();
            inFlight.release(rows);
            acknowledgedUnwritten.clear();
            return n;
        } catch (SQLException e) {
            rollback(acks);
            reloadRuns();
            if (DiskSpace.isFull(e)) {
                disk.full(clock.instant());
                return 0;
            }
            // Queued on disk and no longer in flight: sent again after the next reconnect, which the cloud dedups.
            inFlight.requeued(rows);
            acknowledgedUnwritten.clear();
            throw new BufferException("IN_FLIGHT → ACKNOWLEDGED failed", e);
        }
    }

    /**
     * One run per stretch of consecutive ids of one lane (a batch claimed from one lane is mostly one), recorded in
     * {@link AcknowledgedRuns} rather than in the rows. Only held rows come here, so each exists and is queued on disk.
     */
    private int acknowledge(List<Long> rowIds) throws SQLException {
        List<Long> sorted = rowIds.stream().sorted().toList();
        long now = clock.millis();
        int first = 0;
        for (int i = 1; i <= sorted.size(); i++) {
            if (i == sorted.size() || sorted.get(i) != sorted.get(i - 1) + 1
                    || inFlight.laneOf(sorted.get(i)) != inFlight.laneOf(sorted.get(first))) {
                acknowledged.add(acks, sorted.get(first), sorted.get(i - 1), inFlight.laneOf(sorted.get(first)), now);
                first = i;
            }
        }
        return sorted.size();
    }

    /**
     * {@link RowState#IN_FLIGHT} or {@link RowState#PUBLISHED} → {@link RowState#QUEUED}: the publish failed, its
     * outcome is unknown, or its receipt is overdue.
     */
    public int requeue(List<Long> rowIds) {
        lock.lock();
        try {
            int n = inFlight.requeued(rowIds).size();
            inFlight.rewind();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a crash every row that was in flight is sent again: its PUBACK may never have come, and a resend is safe
     * because the cloud deduplicates by reading key. In-flight rows are QUEUED on disk already (see
     * {@link InFlightRows}); only a file written by an older gateway version may still hold {@link RowState#IN_FLIGHT}
     * rows, which go back to {@link RowState#QUEUED} here.
     *
     * @return how many rows were requeued
     */
    private int recoverOnStartup() {
        lock.lock();
        try (PreparedStatement update = db.prepareStatement("UPDATE reading SET state = ? WHERE state = ?")) {
            Map<Lane, Long> inFlightOnDisk = RowCounts.inState(db, RowState.IN_FLIGHT);
            if (inFlightOnDisk.values().stream().allMatch(n -> n == 0)) {
                return 0; // the usual case: no read through the table at start
            }
            update.setString(1, RowState.QUEUED.name());
            update.setString(2, RowState.IN_FLIGHT.name());
            int n = update.executeUpdate();
            for (Map.Entry<Lane, Long> lane : inFlightOnDisk.entrySet()) {
                RowCounts.move(db, lane.getKey(), RowState.IN_FLIGHT, RowState.QUEUED, lane.getValue());
            }
            db.commit();
            return n;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("recovery failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** Gaps not yet reported to the cloud, oldest first. */
    public List<Gap> unreportedGaps() {
        synchronized (reader) {
            try {
                return GapLog.unreported(reader);
            } catch (SQLException e) {
                throw new BufferException("reading gaps failed", e);
            }
        }
    }

    /**
     * Unreported → reported, after the broker acknowledged the gap's event. Only if the gap is still as reported:
     * one that grew meanwhile stays unreported and is reported again with its new totals (same gap id).
     *
     * @return whether the gap is now marked reported
     */
    public boolean markGapReported(Gap gap) {
        lock.lock();
        try {
            boolean marked = GapLog.markReported(db, gap, clock.millis());
            db.commit();
            return marked;
        } catch (SQLException e) {
            rollback();
            throw new BufferException("marking gap " + gap.id() + " reported failed", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Space reclamation, in short transactions so intake never waits long: deletes acknowledged readings (and reported
     * gaps) older than the retention, gives free pages back to the file system once there are enough of them, and
     * truncates the WAL.
     */
    public MaintenanceResult maintain() {
        retryWhatTheFullDiskRefused();
        long cutoff = clock.millis() - settings.acknowledgedRetention().toMillis();
        int purged = 0;
        int n;
        do {
            n = locked("purge", () -> {
                int deleted = purgeAcknowledgedChunk(cutoff);
                if (deleted < PURGE_CHUNK) {
                    GapLog.purgeReported(db, cutoff);
                }
                return deleted;
            });
            purged += n;
        } while (n == PURGE_CHUNK);
        long released = 0;
        long freed;
        boolean first = true;
        do {
            boolean starting = first;
            freed = locked("incremental vacuum", () -> releaseFreePages(starting));
            released += freed;
            first = false;
        } while (freed > 0);
        boolean truncated = locked("WAL checkpoint", this::truncateWal);
        return new MaintenanceResult(purged, released, truncated, checkCountsWhenDue());
    }

    /**
     * Every {@link #COUNT_CHECK_INTERVAL}, if the buffer holds at most {@link #COUNT_CHECK_MAX_ROWS} rows (a home's
     * hour, read in milliseconds), the {@link RowCounts} are compared with the rows: claims trust them to skip empty
     * lanes. A larger buffer (a backlog) is checked once it has drained. Read on the reader's connection, without the
     * write lock (intake goes on) and through its small page cache (the writer's keeps the pages appends touch);
     * only a difference takes the lock, to count again and correct.
     *
     * @return counts corrected
     */
    private int checkCountsWhenDue() {
        Instant now = clock.instant();
        if (nextCountCheck != null && now.isBefore(nextCountCheck)) {
            return 0;
        }
        synchronized (reader) {
            try {
                if (RowCounts.total(reader) > COUNT_CHECK_MAX_ROWS) {
                    return 0;
                }
                nextCountCheck = now.plus(COUNT_CHECK_INTERVAL);
                if (RowCounts.differences(reader).isEmpty()) {
                    return 0;
                }
            } catch (SQLException e) {
                throw new BufferException("row count check failed", e);
            }
        }
        return locked("row count correction", () -> {
            List<RowCounts.Correction> corrections = RowCounts.differences(db);
            if (!corrections.isEmpty()) {
                RowCounts.recount(db);
                counters.countsCorrected(corrections.size());
                LOG.warn("buffer row counts differed from the rows and were recounted (lane, state, counted, rows): "
                        + "{}", corrections);
            }
            return corrections.size();
        });
    }

    /**
     * A gap and acknowledgements the full disk refused are written as soon as a commit succeeds again, even if no
     * device sends meanwhile; while the disk is still full this fails as quietly as the appends do.
     */
    private void retryWhatTheFullDiskRefused() {
        lock.lock();
        try {
            writeAcknowledgements();
            if (!deferredGaps.isEmpty()) {
                deferredGaps.writeTo(db);
                db.commit();
                committed();
            }
        } catch (SQLException e) {
            rollback();
            if (!DiskSpace.isFull(e)) {
                throw new BufferException("recording a gap failed", e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return rows deleted: acknowledged before {@code cutoffMillis}, at most {@link #PURGE_CHUNK} */
    private int purgeAcknowledgedChunk(long cutoffMillis) throws SQLException {
        return acknowledged.purge(db, cutoffMillis, PURGE_CHUNK);
    }

    /** @return bytes given back; none while fewer than the threshold's pages are free at the start of a pass */
    private long releaseFreePages(boolean startingPass) throws SQLException {
        try (Statement s = db.createStatement()) {
            long free = pragma(s, "freelist_count");
            if (free == 0 || (startingPass && free < RELEASE_THRESHOLD_PAGES)) {
                return 0;
            }
            long pageSize = pragma(s, "page_size");
            // executeUpdate steps the pragma to completion; each step frees one page.
            s.executeUpdate("PRAGMA incremental_vacuum(" + VACUUM_CHUNK_PAGES + ")");
            return (free - pragma(s, "freelist_count")) * pageSize;
        }
    }

    private boolean truncateWal() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            // Columns: busy (a reader kept it from finishing), WAL frames, frames checkpointed.
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    public BufferStats stats() {
        synchronized (reader) {
            try (Statement s = reader.createStatement()) {
                Map<RowState, Long> byState = new EnumMap<>(RowState.class);
                Map<Lane, Long> unsentByLane = new EnumMap<>(Lane.class);
                for (Lane lane : Lane.values()) {
                    unsentByLane.put(lane, 0L);
                }
                try (ResultSet rs = s.executeQuery(STATS_SQL)) {
                    while (rs.next()) {
                        Lane lane = Lane.ofRank(rs.getInt(2));
                        long count = rs.getLong(3);
                        if ("ACKNOWLEDGED_RUNS".equals(rs.getString(1))) {
                            // Queued on disk, counted among them above or below: taken off the lane's unsent.
                            byState.merge(RowState.ACKNOWLEDGED, count, Long::sum);
                            byState.merge(RowState.QUEUED, -count, Long::sum);
                            unsentByLane.merge(lane, -count, Long::sum);
                            continue;
                        }
                        RowState state = RowState.valueOf(rs.getString(1));
                        byState.merge(state, count, Long::sum);
                        if (state == RowState.QUEUED || state == RowState.IN_FLIGHT) {
                            unsentByLane.merge(lane, count, Long::sum);
                        }
                    }
                }
                long oldestUnsentId = Long.MAX_VALUE;
                for (Map.Entry<Lane, Long> lane : unsentByLane.entrySet()) {
                    if (lane.getValue() > 0) {
                        oldestUnsentId = Math.min(oldestUnsentId, firstUnsent(lane.getKey()));
                    }
                }
                Optional<Duration> oldestAge = Optional.empty();
                // Ids grow with acceptance, so the lowest unsent id is the oldest unsent reading.
                if (oldestUnsentId != Long.MAX_VALUE) {
                    try (ResultSet rs = s.executeQuery(
                            "SELECT accepted_at FROM reading WHERE id = " + oldestUnsentId)) {
                        if (rs.next()) {
                            oldestAge = Optional.of(Duration.between(Instant.ofEpochMilli(rs.getLong(1)),
                                    clock.instant()));
                        }
                    }
                }
                long unreported;
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM gap WHERE reported_at IS NULL")) {
                    rs.next();
                    unreported = rs.getLong(1);
                }
                // QUEUED on disk includes the rows in flight (IN_FLIGHT is kept in memory, see InFlightRows);
                // IN_FLIGHT on disk is only ever a row from a file an older gateway version wrote.
                long unsent = byState.getOrDefault(RowState.QUEUED, 0L) + byState.getOrDefault(RowState.IN_FLIGHT, 0L);
                long[] held = withLock(() -> new long[] {inFlight.inFlight(), inFlight.published()});
                return new BufferStats(unsent, held[0], held[1], byState.getOrDefault(RowState.ACKNOWLEDGED, 0L),
                        oldestAge, unsentByLane, byState.getOrDefault(RowState.UNREADABLE, 0L), unreported,
                        usedBytes(reader), settings.maxSizeBytes(), disk.fullSince());
            } catch (SQLException e) {
                throw new BufferException("stats failed", e);
            }
        }
    }

    /**
     * The lane's first row that is queued and not acknowledged, stepping over acknowledged runs (one query per run
     * before it, and runs that follow each other in a lane are one), reading past other lanes' rows. On the reader.
     */
    private long firstUnsent(Lane lane) throws SQLException {
        try (PreparedStatement next = reader.prepareStatement(NEXT_QUEUED_SQL)) {
            long after = Long.MIN_VALUE;
            while (true) {
                next.setInt(1, lane.rank());
                next.setLong(2, after);
                long candidate;
                try (ResultSet rs = next.executeQuery()) {
                    if (!rs.next()) {
                        return Long.MAX_VALUE;
                    }
                    candidate = rs.getLong(1);
                }
                Optional<AcknowledgedRuns.Run> run = withLock(() -> acknowledged.containing(candidate));
                if (run.isEmpty()) {
                    return candidate;
                }
                after = run.get().last();
            }
        }
    }

    @PreDestroy
    @Override
    public void close() {
        lock.lock();
        try {
            synchronized (reader) {
                reader.close();
            }
            acks.close();
            db.close();
            sealer.close();
        } catch (SQLException e) {
            LOG.warn("closing the buffer: {}", e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    // ---- opening ----

    /** Pragmas, then the key: from the environment or the key file, generated only for a buffer holding nothing. */
    private static BufferKey openFile(Connection writer, BufferSettings settings) throws SQLException {
        try (Statement s = writer.createStatement()) {
            // Must precede the first table of a new file; an existing file keeps its mode until a VACUUM.
            s.execute("PRAGMA auto_vacuum=INCREMENTAL");
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + settings.synchronous());
            s.execute("PRAGMA busy_timeout=5000");
        }
        // A first-layout file's plaintext readings need no old key: a new one may encrypt them.
        boolean mayGenerate = !BufferSchema.holdsReadings(writer) || BufferSchema.isFirstLayout(writer);
        return BufferKey.load(settings.environmentKey(), settings.keyFile(), mayGenerate);
    }

    /**
     * A file created without incremental auto-vacuum (one of the first layout) is rewritten once by VACUUM, which
     * switches the mode; this also wipes plaintext left in free pages by an upgrade. Failing that (e.g. no room for
     * the copy VACUUM needs), the buffer works on, but its file does not shrink.
     */
    private void convertToIncrementalVacuum(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement()) {
            if (pragma(s, "auto_vacuum") == 2) {
                return;
            }
            try {
                s.execute("PRAGMA auto_vacuum=INCREMENTAL");
                s.executeUpdate("VACUUM");
                try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                    rs.next();
                }
                LOG.info("buffer file {} rewritten once to enable incremental vacuum", file);
            } catch (SQLException e) {
                LOG.warn("buffer file {} could not be rewritten for incremental vacuum ({}); it will not shrink",
                        file, e.getMessage());
            }
        }
    }

    /**
     * Tries the newest rows and the oldest unsent ones. If there are rows and none of them decrypts, the key is not
     * the one they were written with: starting would set every reading aside as unreadable, so refuse, naming where
     * the key came from. Rows that fail beside rows that open are set aside one by one when claimed.
     */
    private void requireKeyOpensSomeRow(Connection writer) throws SQLException {
        int tried = 0;
        int opened = 0;
        String[] samples = {
            "SELECT id, reading_key, payload FROM reading WHERE state <> 'UNREADABLE' ORDER BY id DESC LIMIT ?",
            "SELECT id, reading_key, payload FROM reading WHERE state = 'QUEUED' ORDER BY id LIMIT ?"};
        for (String sample : samples) {
            try (PreparedStatement q = writer.prepareStatement(sample)) {
                q.setInt(1, KEY_CHECK_SAMPLE);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        tried++;
                        try {
                            cipher.open(rs.getBytes(3), rs.getString(2).getBytes(StandardCharsets.UTF_8));
                            opened++;
                        } catch (GeneralSecurityException e) {
                            // counted below
                        }
                    }
                }
            }
        }
        if (tried > 0 && opened == 0) {
            throw new IllegalStateException("the buffer key from " + keySource + " decrypts none of the " + tried
                    + " readings checked in " + file + ": it is not the key this buffer was written with. Nothing "
                    + "was changed. Start with the original key (" + BufferKey.ENVIRONMENT_VARIABLE + " or the "
                    + "key file), or move the buffer file aside to start with an empty buffer");
        }
    }

    // ---- helpers ----

    /** The writer's {@link #USED_BYTES_SQL}, prepared once: it runs with every group commit. Under the lock. */
    private long usedBytes() throws SQLException {
        if (usedBytesQuery == null) {
            usedBytesQuery = db.prepareStatement(USED_BYTES_SQL);
        }
        try (ResultSet rs = usedBytesQuery.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long usedBytes(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(USED_BYTES_SQL)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long pragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private <T> T withLock(java.util.function.Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private void withLock(Runnable work) {
        withLock(() -> {
            work.run();
            return null;
        });
    }

    private long maxId() {
        return locked("reading the highest id", this::highestId);
    }

    /** Under the lock, in the writer's transaction: a seek to the table's last row. */
    private long highestId() throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM reading")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Work of another small store of this file on one of the buffer's connections. */
    @FunctionalInterface
    interface ConnectionWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * One short transaction on the writer connection under the write lock, committed as appends are
     * ({@code synchronous} of the settings). The other stores that write to this file go through here: SQLite has one
     * writer, and a commit by a second connection makes the writer's next write fail at once with SQLITE_BUSY (its
     * read snapshot is stale), which would refuse a device's readings.
     */
    <T> T write(String what, ConnectionWork<T> work) {
        return locked(what, () -> work.run(db));
    }

    /**
     * Like {@link #write}, on the connection that commits acknowledgements without waiting for the disk: for what a
     * power cut may take back harmlessly (it is sent again).
     */
    <T> T writeAcknowledgement(String what, ConnectionWork<T> work) {
        lock.lock();
        try {
            T result = work.run(acks);
            acks.commit();
            return result;
        } catch (SQLException e) {
            rollback(acks);
            throw new BufferException(what + " failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** A read on the reader connection, which never holds up the writer. */
    <T> T read(String what, ConnectionWork<T> work) {
        synchronized (reader) {
            try {
                return work.run(reader);
            } catch (SQLException e) {
                throw new BufferException(what + " failed", e);
            }
        }
    }

    /** One short transaction under the write lock. */
    private <T> T locked(String what, Work<T> work) {
        lock.lock();
        try {
            T result = work.run();
            db.commit();
            return result;
        } catch (SQLException e) {
            rollback();
            throw new BufferException(what + " failed", e);
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

    /** Under the lock. The acknowledged runs are reread: the transaction may have changed them in memory already. */
    private void rollback() {
        rollback(db);
        reloadRuns();
    }

    /** Under the lock, after a rollback of a transaction that may have changed acknowledged runs. */
    private void reloadRuns() {
        try {
            acknowledged.load(db);
            db.commit();
        } catch (SQLException e) {
            rollback(db);
            // The next transaction that changes runs fails the same way, and reloads again.
            LOG.warn("rereading the acknowledged runs failed: {}", e.getMessage());
        }
    }

    private static void rollback(Connection connection) {
        Transactions.rollback(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // already failing; the first error is the one reported
            }
        }
    }

    private static void requireSynchronousMode(String mode) {
        if (!List.of("FULL", "NORMAL", "EXTRA").contains(mode)) {
            throw new IllegalArgumentException("vitalwire.gateway.buffer.synchronous must be FULL, NORMAL or EXTRA");
        }
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
