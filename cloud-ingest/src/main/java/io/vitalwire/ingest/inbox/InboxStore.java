package io.vitalwire.ingest.inbox;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
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
import javax.sql.DataSource;

/**
 * The inbox in PostgreSQL (tables {@code inbox} and {@code inbox_delivery}, see V3__inbox.sql), shared by every
 * replica.
 *
 * <p><b>Claiming.</b> A worker claims the due entries of one stage device by device, in one transaction that lasts
 * until it has recorded what became of them ({@link InboxClaim}). A device is taken with a transaction-scoped
 * advisory lock on (stage, device), so one device's entries are never in two claims of a stage at once, on any
 * replica, and within a claim they are in measurement order; its rows are read once the lock is held, and not
 * row-locked (see {@link #due}).
 * Advisory locks rather than only row locks, because row locks exclude rows, not devices: a second worker would
 * take the same device's newer entries and write them concurrently, out of order. A device rather than a
 * partition number, because devices are what order matters for, and a hash collision of two devices (the lock key is
 * PostgreSQL's {@code hashtext} of the device id) only makes them take turns. Locks of a transaction end with it, also when the replica dies and its connection drops, so
 * there is nothing to recover after a crash: the entries are simply pending again.
 *
 * <p><b>Backoff.</b> A device is due only when none of its pending entries of the stage, in the claim's {@link Lane},
 * waits out a failure, so a device's newer entries do not overtake older ones that failed (a device's spot readings
 * and its stream samples — an oximeter's — are lanes apart: one does not wait out the other's failures). The delay is the shared {@link Backoff}'s for the
 * entry's attempts, from {@link InboxConfig#getRetryDelay()} up to {@link InboxConfig#getMaxRetryDelay()}.
 *
 * <p>Which stage a new entry starts in, which follow, and their order come from the {@link Pipeline}.
 */
@Singleton
public class InboxStore {

    /** Namespace of the advisory locks on (stage, device); the window store's is 0x5657_0001. */
    private static final int LOCK_NAMESPACE = 0x5657_0100;
    private static final int PURGE_BATCH = 5_000;
    /**
     * The state of entries waiting for a stage, as a literal in the SQL rather than a parameter: the indexes of
     * pending entries are partial ({@code WHERE state = 'PENDING'}), and a plan made for any value of a parameter
     * cannot use them. pgjdbc prepares a statement on the server after a few executions, PostgreSQL then may switch
     * to such a generic plan, and the fleet benchmark caught the claims' device query scanning the whole primary key
     * for its stage instead (8–16 ms per claim, the largest statement cost of the inbox at 10,000 hubs).
     */
    private static final String PENDING = "'" + InboxState.PENDING.name() + "'";

    private final ContractCodec codec = new ContractCodec();
    private final DataSource dataSource;
    private final QuarantineStore quarantine;
    private final Pipeline pipeline;
    private final Clock clock;
    private final Backoff backoff;
    private final DecodedReadings decoded;

    public InboxStore(DataSource dataSource, QuarantineStore quarantine, Pipeline pipeline, Clock clock,
                      InboxConfig config) {
        this.dataSource = dataSource;
        this.quarantine = quarantine;
        this.pipeline = pipeline;
        this.clock = clock;
        this.backoff = new Backoff(config.getRetryDelay(), config.getMaxRetryDelay());
        this.decoded = new DecodedReadings(codec, config.getDecodedReadings());
    }

    /**
     * What became of the readings given to {@link #add}: new entries, duplicates (the inbox held their key with the
     * same measurement), and conflicts (it held their key with another measurement: quarantined {@code KEY_CONFLICT}).
     */
    public record Added(int added, int duplicates, int conflicts) {
    }

    /**
     * Adds readings as new entries pending in the pipeline's first stage and commits; returns only once they are durable. A reading
     * whose key the inbox holds already (a redelivery, the same reading in another message) is not added again; if
     * it is another measurement than the one the key holds, it is quarantined {@code KEY_CONFLICT} (see
     * {@link #insert}).
     */
    public Added add(String topic, List<Reading> readings, Instant now) {
        return add(List.of(new Arrival(topic, readings)), now);
    }

    /**
     * Adds the readings of several messages in one transaction (the consumer's group commit: one WAL flush for all
     * of them) and commits; returns only once they are durable. Each entry keeps its own message's topic; a reading
     * whose key the inbox holds already, or that an earlier message of the group carries too, is not added again.
     */
    public Added add(List<Arrival> arrivals, Instant now) {
        List<Row> rows = sortedRows(arrivals);
        Inserted inserted;
        try {
            inserted = Jdbc.inTransaction(dataSource, c -> insert(c, rows, now));
        } catch (SQLException e) {
            // A failed batch's own message quotes the statement with its parameters (readings, serials); the server's
            // error, chained to it, says why without them, and it is what the consumer logs.
            SQLException why = e.getNextException() != null ? e.getNextException() : e;
            throw new IllegalStateException("cannot add to the inbox: " + why.getMessage(), e);
        }
        for (int i = 0; i < inserted.conflicts(); i++) {
            quarantine.counted(QuarantineReason.KEY_CONFLICT);
        }
        return new Added(inserted.added(), rows.size() - inserted.added() - inserted.conflicts(),
                inserted.conflicts());
    }

    /** What one {@link #insert} did: new entries, and readings quarantined as key conflicts. */
    private record Inserted(int added, int conflicts) {
    }

    /** A reading to add, with the topic of the message that carried it. */
    private record Row(String topic, Reading reading) {
    }

    /**
     * The readings of every arrival in one order, by key, whatever message each came in: two replicas inserting
     * overlapping groups then take the key index's locks in the same order and cannot deadlock.
     */
    private static List<Row> sortedRows(List<Arrival> arrivals) {
        List<Row> rows = new ArrayList<>();
        for (Arrival arrival : arrivals) {
            for (Reading reading : arrival.readings()) {
                rows.add(new Row(arrival.topic(), reading));
            }
        }
        rows.sort(Comparator.comparing(row -> row.reading().key()));
        return rows;
    }

    /**
     * Inserts the rows as new entries; a row whose key the inbox holds already is a duplicate when it is the same
     * measurement ({@link MeasurementContent}), else it is quarantined {@code KEY_CONFLICT} in this transaction, with
     * the reading the key holds kept beside it ({@code held_payload}). Why not drop it as before: a key taken first
     * by a wrong reading (a faulty or hostile sender) would make the genuine one vanish without a trace. Rows of one
     * group with the same key compare with the first of them, which this transaction inserted.
     *
     * <p>One statement for the whole group, its rows as arrays ({@code unnest}), in key order, instead of one per
     * reading: one parse, plan and round trip per group. The rows' own work (the indexes, the WAL) stays, ~80 µs a
     * reading at 10,000 hubs (fleet benchmark, pg_stat_statements). The entries it returns are the rows it inserted:
     * the first row of each key the inbox did not hold.
     */
    private Inserted insert(Connection c, List<Row> rows, Instant now) throws SQLException {
        int n = rows.size();
        String[] keys = new String[n];
        String[] topics = new String[n];
        String[] devices = new String[n];
        Timestamp[] measured = new Timestamp[n];
        byte[][] readings = new byte[n][];
        Boolean[] express = new Boolean[n];
        for (int i = 0; i < n; i++) {
            Reading r = rows.get(i).reading();
            keys[i] = r.key();
            topics[i] = rows.get(i).topic();
            devices[i] = r.device().stableId();
            measured[i] = Timestamp.from(r.measuredAt());
            readings[i] = codec.encodeReading(r);
            express[i] = pipeline.isExpress(r);
        }
        Set<String> added = new HashSet<>();
        try (PreparedStatement insert = c.prepareStatement("WITH r AS (SELECT * FROM unnest(?::text[], ?::text[], "
                + "?::text[], ?::timestamptz[], ?::bytea[], ?::boolean[]) WITH ORDINALITY "
                + "AS r(reading_key, topic, device, measured_at, reading, express, position)), "
                + "e AS (INSERT INTO inbox (reading_key, topic, device, measured_at, received_at, reading) "
                + "SELECT reading_key, topic, device, measured_at, ?, reading FROM r ORDER BY reading_key, position "
                + "ON CONFLICT (reading_key) DO NOTHING RETURNING id, reading_key, device, measured_at, received_at), "
                + "d AS (INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, received_at, state, next_at, "
                + "express) SELECT e.id, ?, e.device, e.measured_at, e.received_at, " + PENDING + ", e.received_at, "
                + "x.express FROM e JOIN (SELECT DISTINCT ON (reading_key) reading_key, express FROM r "
                + "ORDER BY reading_key, position) x ON x.reading_key = e.reading_key) "
                + "SELECT id, reading_key FROM e")) {
            insert.setArray(1, c.createArrayOf("text", keys));
            insert.setArray(2, c.createArrayOf("text", topics));
            insert.setArray(3, c.createArrayOf("text", devices));
            insert.setArray(4, c.createArrayOf("timestamptz", measured));
            insert.setObject(5, readings);
            insert.setArray(6, c.createArrayOf("boolean", express));
            insert.setTimestamp(7, Timestamp.from(now));
            insert.setString(8, pipeline.first());
            Map<String, Long> ids = new HashMap<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    ids.put(rs.getString(2), rs.getLong(1));
                }
            }
            added.addAll(ids.keySet());
            for (int i = 0; i < n; i++) {
                Long id = ids.remove(keys[i]); // the first row of a key is the one inserted
                if (id != null) {
                    decoded.taken(id, readings[i], rows.get(i).reading());
                }
            }
        }
        List<Row> held = new ArrayList<>();
        Set<String> first = new HashSet<>();
        for (Row row : rows) {
            if (!added.contains(row.reading().key()) || !first.add(row.reading().key())) {
                held.add(row);
            }
        }
        return new Inserted(added.size(), held.isEmpty() ? 0 : quarantineConflicts(c, held));
    }

    /**
     * Compares each row whose key was held already with the reading the inbox holds under it, and quarantines the
     * rows that are another measurement.
     *
     * @return how many were quarantined
     */
    private int quarantineConflicts(Connection c, List<Row> held) throws SQLException {
        Map<String, StoredEntry> stored = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT reading_key, id, topic, reading FROM inbox "
                + "WHERE reading_key = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", held.stream().map(r -> r.reading().key()).distinct()
                    .toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getString(1), new StoredEntry(rs.getLong(2), rs.getString(3), rs.getBytes(4)));
                }
            }
        }
        int conflicts = 0;
        for (Row row : held) {
            StoredEntry entry = stored.get(row.reading().key());
            if (entry == null || entry.sameMeasurementAs(row.reading(), codec)) {
                continue;
            }
            quarantine.insertConflict(c, row.topic(), row.reading(), "key held by inbox entry " + entry.id()
                    + " (topic " + entry.topic() + ") with another measurement; both kept for review", entry.reading());
            conflicts++;
        }
        return conflicts;
    }

    /** The entry holding a key, as {@link #quarantineConflicts} needs it. */
    private record StoredEntry(long id, String topic, byte[] reading) {

        /** Unreadable stored bytes (a bug or a hand edit) count as another measurement: kept for review. */
        boolean sameMeasurementAs(Reading arrived, ContractCodec codec) {
            try {
                return MeasurementContent.same(codec.decodeReading(reading), arrived);
            } catch (ContractViolation v) {
                return false;
            }
        }
    }

    /**
     * Claims up to {@code limit} entries due in {@code stage} at {@code now}, device by device, the device waiting
     * longest first, each device's entries in measurement order and at most {@code perDevice} of them: a device with
     * a large backlog (a gateway back after days offline) drains in slices, and every claim also takes other
     * devices' readings, so the backlog cannot hold back anyone else's.
     *
     * @return the claim, or empty when nothing is due that another worker does not hold
     */
    public Optional<InboxClaim> claim(String stage, int limit, int perDevice, Instant now) {
        return claim(stage, Lane.ALL, limit, perDevice, now);
    }

    /** As {@link #claim(String, int, int, Instant)}, of the entries of one {@link Lane}. */
    Optional<InboxClaim> claim(String stage, Lane lane, int limit, int perDevice, Instant now) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            List<InboxEntry> entries = due(c, stage, lane, limit, perDevice, now);
            if (entries.isEmpty()) {
                c.rollback();
                c.close();
                return Optional.empty();
            }
            // After the reads, not before: this statement also ends the last read's portal, which would otherwise
            // keep its snapshot, and so PostgreSQL's horizon, for as long as the stage works (see due).
            commitAsynchronously(c);
            return Optional.of(new InboxClaim(c, stage, pipeline.next(stage), pipeline.tallies(stage), entries,
                    quarantine, clock, backoff));
        } catch (SQLException | RuntimeException e) {
            Jdbc.abandon(c);
            throw new IllegalStateException("cannot claim " + stage + " entries: " + e.getMessage(), e);
        }
    }

    /**
     * A claim's commit does not wait for its WAL flush ({@code synchronous_commit = off} for its transaction only).
     * What a claim records can always be done again: should PostgreSQL crash before the flush, the claim is lost as
     * if its worker had died before committing, its entries are pending again, and the stages' idempotence makes
     * the repeat harmless (the same conditional create, the same point, the reading not evaluated twice). Nothing
     * later can outlive it either: the WAL is flushed in order, so the next synchronous commit — the consumer's
     * intake, the rules' alerts, a delivery — makes this one durable too. The readings themselves are committed
     * synchronously at intake, before the PUBACK. One flush fewer per stage is what lets a fever through the
     * stages in tens of milliseconds under the load of a thousand streams.
     */
    private static void commitAsynchronously(Connection c) throws SQLException {
        try (Statement set = c.createStatement()) {
            set.execute("SET LOCAL synchronous_commit TO OFF");
        }
    }

    /**
     * The claim's entries, in two statements whatever the number of devices (one round trip per device is what
     * capped a worker at ~200 readings/s under a thousand 1 Hz streams).
     * <ol>
     * <li>{@link #lockDevices}: devices with entries due, the longest waiting first, locked for this transaction until
     * they fill the claim;</li>
     * <li>each locked device's due entries in measurement order, read after the locks are held.</li>
     * </ol>
     * <b>No row locks, on purpose.</b> The advisory lock on (stage, device) is what keeps two claims apart, and the
     * entries are read by a statement that starts after it is granted, so they are what the last claim of the device
     * committed (read committed: a snapshot per statement). Nothing else changes a due pending entry of a stage:
     * {@link #releaseBackoff} moves only entries that back off, {@link #requeue} only quarantined ones, and the
     * claim's commit checks that each entry it records was still pending. Without row locks the claim writes nothing
     * until its commit, so its transaction gets no transaction id while its stage calls the FHIR server (and holds
     * no snapshot: {@link #claim} ends the read's portal, which would keep one until the next statement); with them,
     * every claim held PostgreSQL's horizon of dead rows back for seconds under load, and each claim's scan of the
     * pending entries waded through every version since (3,000 index entries for 240 pending, fleet benchmark).
     * Entries of the last device beyond {@code limit} are left pending, its lock held until the claim ends.
     */
    private List<InboxEntry> due(Connection c, String stage, Lane lane, int limit, int perDevice, Instant now)
            throws SQLException {
        List<String> devices = lockDevices(c, stage, lane, limit, perDevice, now);
        if (devices.isEmpty()) {
            return List.of();
        }
        try (PreparedStatement select = c.prepareStatement(dueEntries(lane))) {
            select.setArray(1, c.createArrayOf("text", devices.toArray()));
            select.setString(2, stage);
            select.setTimestamp(3, Timestamp.from(now));
            select.setInt(4, perDevice);
            List<InboxEntry> entries = Jdbc.list(select, this::entry);
            return entries.size() > limit ? List.copyOf(entries.subList(0, limit)) : entries;
        }
    }

    /**
     * Locks the devices of the next claim, in the order they are to be taken.
     * <ol>
     * <li>{@code candidates}: devices with entries due (none of them waiting out a failure), the longest waiting
     * first, each with the entries the claim would take of it ({@code before}: how many the devices ahead take);</li>
     * <li>of those, the devices needed to fill the claim whose (stage, device) lock this transaction gets. {@code CASE}
     * makes the order of evaluation certain: no lock is taken for a device the claim would not use, and the CTE is
     * {@code MATERIALIZED}, so each lock is tried exactly once.</li>
     * </ol>
     * A device taken by another worker is skipped, so a claim may hold fewer than {@code limit}.
     */
    private List<String> lockDevices(Connection c, String stage, Lane lane, int limit, int perDevice, Instant now)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement(lockedDevices(lane))) {
            select.setInt(1, perDevice);
            select.setInt(2, perDevice);
            select.setString(3, stage);
            select.setTimestamp(4, Timestamp.from(now));
            select.setInt(5, limit); // each candidate has at least one due entry
            select.setInt(6, limit);
            select.setInt(7, LOCK_NAMESPACE + pipeline.index(stage));
            return Jdbc.list(select, rs -> rs.getString(1));
        }
    }

    /** {@link #due}'s statement: (devices, stage, now, per device). Package-private for the plan's test. */
    static String dueEntries(Lane lane) {
        return "SELECT i.id, i.reading_key, i.topic, i.device, "
                + "i.measured_at, i.received_at, i.reading, i.patient, i.device_ref, d.attempts, d.express "
                + "FROM unnest(?::text[]) WITH ORDINALITY AS t(device, position) CROSS JOIN LATERAL (SELECT entry_id, "
                + "measured_at, attempts, express FROM inbox_delivery WHERE stage = ? AND device = t.device "
                + "AND state = " + PENDING + " AND next_at <= ?" + lane.condition
                + " ORDER BY measured_at, entry_id LIMIT ?) d "
                + "JOIN inbox i ON i.id = d.entry_id ORDER BY t.position, d.measured_at, d.entry_id";
    }

    /**
     * {@link #lockDevices}'s statement: (per device, per device, stage, now, limit, limit, lock namespace).
     * Package-private for the plan's test.
     */
    static String lockedDevices(Lane lane) {
        return "WITH candidates AS MATERIALIZED ("
                + "SELECT device, waiting, sum(least(due, ?)) OVER (ORDER BY waiting, device) - least(due, ?) AS before "
                + "FROM (SELECT device, min(received_at) AS waiting, count(*) AS due FROM inbox_delivery "
                + "WHERE stage = ? AND state = " + PENDING + lane.condition
                + " GROUP BY device HAVING max(next_at) <= ? "
                + "ORDER BY min(received_at), device LIMIT ?) c) "
                + "SELECT device FROM candidates "
                + "WHERE CASE WHEN before < ? THEN pg_try_advisory_xact_lock(?, hashtext(device)) ELSE false END "
                + "ORDER BY waiting, device";
    }

    private InboxEntry entry(ResultSet rs) throws SQLException {
        byte[] stored = rs.getBytes(7);
        Reading reading = null;
        String unreadable = null;
        try {
            reading = decoded.of(rs.getLong(1), stored);
        } catch (ContractViolation v) {
            // Written by this service from a valid reading: only a bug or a hand edit gets here.
            unreadable = "stored reading unreadable: " + v.reason() + ": " + v.getMessage();
        }
        String patient = rs.getString(8);
        Owner owner = patient == null ? null : new Owner(patient, rs.getString(9));
        return new InboxEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), reading, unreadable, stored, owner,
                rs.getInt(10), rs.getBoolean(11));
    }

    /**
     * The entries of one stage that wait for it.
     *
     * @param pending  entries pending, due or backing off
     * @param retrying of those, entries that failed at least once
     * @param oldest   when the oldest of them was received; {@code null} when none is pending
     */
    public record StageDepth(long pending, long retrying, Instant oldest) {

        static final StageDepth EMPTY = new StageDepth(0, 0, null);
    }

    /** What waits for each stage now, in pipeline order. */
    public Map<String, StageDepth> depth() {
        Map<String, StageDepth> depth = new LinkedHashMap<>();
        for (Pipeline.Step step : pipeline.steps()) {
            depth.put(step.name(), StageDepth.EMPTY);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT stage, count(*), "
                     + "count(*) FILTER (WHERE attempts > 0), min(received_at) FROM inbox_delivery "
                     + "WHERE state = " + PENDING + " GROUP BY stage")) {
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    depth.put(rs.getString(1), new StageDepth(rs.getLong(2), rs.getLong(3),
                            rs.getTimestamp(4).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the inbox depth: " + e.getMessage(), e);
        }
        return depth;
    }

    /**
     * A reading's way through the inbox.
     *
     * @param stages one per stage that has had work for it, in pipeline order
     */
    public record EntryTrail(Instant receivedAt, List<StageTrail> stages) {
    }

    /** Where an entry stands in one stage. */
    public record StageTrail(String stage, InboxState state, int attempts, String lastError, Instant nextAt,
                             Instant doneAt, String outcome) {
    }

    /** Where the reading is in the inbox; empty when it never was there or was purged. */
    public Optional<EntryTrail> trail(String readingKey) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT i.received_at, d.stage, d.state, d.attempts, "
                     + "d.last_error, d.next_at, d.done_at, d.outcome FROM inbox i "
                     + "JOIN inbox_delivery d ON d.entry_id = i.id WHERE i.reading_key = ?")) {
            select.setString(1, readingKey);
            Instant received = null;
            List<StageTrail> stages = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    received = rs.getTimestamp(1).toInstant();
                    Timestamp done = rs.getTimestamp(7);
                    stages.add(new StageTrail(rs.getString(2),
                            InboxState.valueOf(rs.getString(3)), rs.getInt(4), rs.getString(5),
                            rs.getTimestamp(6).toInstant(), done == null ? null : done.toInstant(), rs.getString(8)));
                }
            }
            stages.sort(Comparator.comparingInt(t -> pipeline.has(t.stage()) ? pipeline.index(t.stage())
                    : Integer.MAX_VALUE));
            return received == null ? Optional.empty() : Optional.of(new EntryTrail(received, stages));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the inbox: " + e.getMessage(), e);
        }
    }

    /**
     * Makes every entry of the stage that waits out a failure due at {@code now}: the stage just worked again
     * ({@code now} may lie ahead: the end of a pause the server asked for). Entries a running claim holds are not
     * waiting out a failure until that claim commits, so they are left alone (as are rows a commit is writing).
     *
     * @return how many entries were made due
     */
    public int releaseBackoff(String stage, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE inbox_delivery SET next_at = ? "
                     + "WHERE (entry_id, stage) IN (SELECT entry_id, stage FROM inbox_delivery "
                     + "WHERE stage = ? AND state = " + PENDING + " AND next_at > ? FOR UPDATE SKIP LOCKED)")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, stage);
            update.setTimestamp(3, Timestamp.from(now));
            return commit(c, update.executeUpdate());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release the " + stage + " backoff: " + e.getMessage(), e);
        }
    }

    /**
     * QUARANTINED → PENDING in {@code stage}, within the caller's transaction: a quarantined reading goes back into
     * the pipeline (replayed after a fix) with a fresh count of attempts, due at once, and takes the same way as any
     * other reading from there: same retries, same independent stages, same explain trail.
     *
     * @return whether the reading's entry was quarantined in that stage (false: it is not in the inbox any more, or
     *         not quarantined there — e.g. replayed already)
     */
    public boolean requeue(Connection c, String readingKey, String stage, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE inbox_delivery d SET state = ?, attempts = 0, "
                + "last_error = NULL, outcome = NULL, done_at = NULL, next_at = ? FROM inbox i "
                + "WHERE i.id = d.entry_id AND i.reading_key = ? AND d.stage = ? AND d.state = ?")) {
            update.setString(1, InboxState.PENDING.name());
            update.setTimestamp(2, Timestamp.from(now));
            update.setString(3, readingKey);
            update.setString(4, stage);
            update.setString(5, InboxState.QUARANTINED.name());
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Adds readings as new entries within the caller's transaction (a replay): as {@link #add(List, Instant)}, a key
     * held with another measurement is quarantined {@code KEY_CONFLICT} in that transaction; the caller counts those
     * ({@code QuarantineStore.counted}) after its commit.
     */
    public Added add(Connection c, String topic, List<Reading> readings, Instant now) throws SQLException {
        List<Row> rows = sortedRows(List.of(new Arrival(topic, readings)));
        Inserted inserted = insert(c, rows, now);
        return new Added(inserted.added(), rows.size() - inserted.added() - inserted.conflicts(),
                inserted.conflicts());
    }

    /**
     * The reading the inbox holds under a key now, within the caller's transaction (a replay of a key conflict
     * compares with it); empty when the key's entry was purged, or is unreadable.
     */
    public Optional<Reading> held(Connection c, String readingKey) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT reading FROM inbox WHERE reading_key = ?")) {
            select.setString(1, readingKey);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(codec.decodeReading(rs.getBytes(1)));
            } catch (ContractViolation v) {
                return Optional.empty();
            }
        }
    }

    /**
     * Puts another reading in the place of the one an entry holds under its key, within the caller's transaction (a
     * key conflict decided for the reading that arrived second): the entry holds the arrived reading, its owner is
     * forgotten, its stages are reset and it is pending in the pipeline's first stage, as if it had just arrived.
     *
     * @return whether the inbox held the key; false when its entry was purged (then {@link #add} it)
     * @throws IllegalStateException when the held reading is still pending in a stage: it would race the change
     */
    public boolean replace(Connection c, String topic, Reading arrived, Instant now) throws SQLException {
        Long id = null;
        try (PreparedStatement lock = c.prepareStatement("SELECT i.id, EXISTS (SELECT 1 FROM inbox_delivery d "
                + "WHERE d.entry_id = i.id AND d.state = ?) FROM inbox i WHERE i.reading_key = ? FOR UPDATE")) {
            lock.setString(1, InboxState.PENDING.name());
            lock.setString(2, arrived.key());
            try (ResultSet rs = lock.executeQuery()) {
                if (rs.next()) {
                    if (rs.getBoolean(2)) {
                        throw new IllegalStateException("the held reading is still on its way through the pipeline; "
                                + "decide once it has settled");
                    }
                    id = rs.getLong(1);
                }
            }
        }
        if (id == null) {
            return false;
        }
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement update = c.prepareStatement("UPDATE inbox SET topic = ?, device = ?, measured_at = ?, "
                + "received_at = ?, reading = ?, patient = NULL, device_ref = NULL WHERE id = ?");
             PreparedStatement reset = c.prepareStatement("DELETE FROM inbox_delivery WHERE entry_id = ?");
             PreparedStatement first = c.prepareStatement("INSERT INTO inbox_delivery (entry_id, stage, device, "
                     + "measured_at, received_at, state, next_at, express) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            update.setString(1, topic);
            update.setString(2, arrived.device().stableId());
            update.setTimestamp(3, Timestamp.from(arrived.measuredAt()));
            update.setTimestamp(4, at);
            update.setBytes(5, codec.encodeReading(arrived));
            update.setLong(6, id);
            update.executeUpdate();
            reset.setLong(1, id);
            reset.executeUpdate();
            first.setLong(1, id);
            first.setString(2, pipeline.first());
            first.setString(3, arrived.device().stableId());
            first.setTimestamp(4, Timestamp.from(arrived.measuredAt()));
            first.setTimestamp(5, at);
            first.setString(6, InboxState.PENDING.name());
            first.setTimestamp(7, at);
            first.setBoolean(8, pipeline.isExpress(arrived));
            first.executeUpdate();
        }
        return true;
    }

    /** Whether two readings under one key are the same measurement ({@link MeasurementContent}). */
    public static boolean sameMeasurement(Reading a, Reading b) {
        return MeasurementContent.same(a, b);
    }

    /**
     * Deletes entries received before {@code cutoff} whose every stage was done (or quarantined them) before it.
     * Pending entries are never purged. A reading redelivered after its entry was purged is taken in again, and the
     * sinks' idempotence keeps that harmless.
     *
     * @return how many entries were deleted
     */
    public int purge(Instant cutoff) {
        int total = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM inbox WHERE id IN (SELECT i.id FROM inbox i "
                     + "WHERE i.received_at < ? AND NOT EXISTS (SELECT 1 FROM inbox_delivery d "
                     + "WHERE d.entry_id = i.id AND (d.state = ? OR d.done_at >= ?)) LIMIT ?)")) {
            int deleted;
            do {
                delete.setTimestamp(1, Timestamp.from(cutoff));
                delete.setString(2, InboxState.PENDING.name());
                delete.setTimestamp(3, Timestamp.from(cutoff));
                delete.setInt(4, PURGE_BATCH);
                deleted = commit(c, delete.executeUpdate());
                total += deleted;
            } while (deleted == PURGE_BATCH);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot purge the inbox: " + e.getMessage(), e);
        }
        return total;
    }

    private static int commit(Connection c, int count) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return count;
    }
}
