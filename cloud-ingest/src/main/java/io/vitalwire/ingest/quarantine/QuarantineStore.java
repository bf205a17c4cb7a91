package io.vitalwire.ingest.quarantine;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Keeps what cloud-ingest refused, with the reason, in PostgreSQL: nothing refused disappears unseen, operators can
 * list it, and every entry can be replayed through the check it failed ({@code replay.QuarantineReplay}) or closed
 * by a person's decision. Each entry has a {@link QuarantineState} and leaves AWAITING once, by one guarded
 * transition (replayed, dismissed); a replay that leaves it awaiting counts an attempt and keeps the new refusal as
 * its detail; every such judgement and decision is audited in {@code quarantine_replay_audit} in the same
 * transaction. Payloads hold values and identifiers: they are stored
 * encrypted ({@link PayloadSeal}) and entries are purged after the retention ({@link QuarantineRetention}).
 */
@Singleton
public class QuarantineStore {

    private static final String COLUMNS = "id, received_at, topic, reading_key, device, reason, detail, payload, "
            + "replayed_at, replay_result, stage, held_payload, key_id, state, attempts";
    private static final String AWAITING = "'" + QuarantineState.AWAITING.name() + "'";

    private final ContractCodec codec = new ContractCodec();
    private final DataSource dataSource;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final PayloadSeal seal;

    public QuarantineStore(DataSource dataSource, MeterRegistry metrics, Clock clock, PayloadSeal seal) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.clock = clock;
        this.seal = seal;
    }

    /**
     * One quarantined item: a whole payload, or one reading of a payload.
     *
     * @param device       the reading's device serial, else its BLE address; {@code null} for whole payloads
     * @param replayedAt   when the entry was replayed, {@code null} while it was not
     * @param replayResult what became of the replayed reading (e.g. {@code back in the inbox: resolve})
     * @param stage        the pipeline stage that set the reading aside; {@code null} for whole payloads
     * @param payload      what arrived, decrypted
     * @param heldPayload  for {@code KEY_CONFLICT}: the reading the key held, decrypted; else {@code null}
     * @param attempts     replays that judged the entry and left it awaiting
     */
    public record Entry(long id, Instant at, String topic, String readingKey, String device, QuarantineReason reason,
                        String detail, byte[] payload, Instant replayedAt, String replayResult, String stage,
                        byte[] heldPayload, QuarantineState state, int attempts) {
    }

    /** Which entries to list: each criterion is optional. */
    public record Filter(QuarantineReason reason, String device) {
    }

    /** Commits the entry; returns only once it is durable, so the caller may then acknowledge the message. */
    public void put(String topic, String readingKey, String device, QuarantineReason reason, String detail,
                    byte[] payload) {
        try (Connection c = dataSource.getConnection()) {
            insert(c, topic, readingKey, device, reason, detail, payload, null);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write to the quarantine: " + e.getMessage(), e);
        }
        counted(reason);
    }

    /** Commits an entry for one reading, apart from any inbox transaction (as {@link #put}). */
    public void putReading(String topic, Reading reading, QuarantineReason reason, String detail) {
        put(topic, reading.key(), deviceOf(reading), reason, detail, codec.encodeReading(reading));
    }

    /**
     * Adds an entry for one reading within the caller's transaction, so that setting the reading aside and
     * recording that it was set aside commit together; the caller reports it with {@link #counted} after the commit.
     */
    public void insertReading(Connection c, String topic, Reading reading, QuarantineReason reason, String detail,
                              String stage) throws SQLException {
        insert(c, topic, reading.key(), deviceOf(reading), reason, detail, codec.encodeReading(reading), stage);
    }

    /**
     * Adds a {@code KEY_CONFLICT} entry within the caller's transaction: the reading that arrived as the payload, and
     * the one its key holds ({@code held}, the inbox's bytes) beside it, so that a reviewer sees both even after the
     * inbox entry is purged. The caller counts it after the commit.
     */
    public void insertConflict(Connection c, String topic, Reading arrived, String detail, byte[] held)
            throws SQLException {
        insert(c, topic, arrived.key(), deviceOf(arrived), QuarantineReason.KEY_CONFLICT, detail,
                codec.encodeReading(arrived), null);
        try (PreparedStatement update = c.prepareStatement("UPDATE quarantine SET held_payload = ? "
                + "WHERE id = currval(pg_get_serial_sequence('quarantine', 'id'))")) {
            update.setBytes(1, seal.seal(new PayloadSeal.Place("held_payload", topic, arrived.key()), held));
            update.executeUpdate();
        }
    }

    /** Counts a committed entry ({@code vitalwire.ingest.quarantined{reason}}). */
    public void counted(QuarantineReason reason) {
        metrics.counter("vitalwire.ingest.quarantined", "reason", reason.name()).increment();
    }

    /** Adds an entry within the caller's transaction (see {@link #insertReading}). */
    public void insert(Connection c, String topic, String readingKey, String device, QuarantineReason reason,
                       String detail, byte[] payload, String stage) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO quarantine (received_at, topic, "
                + "reading_key, device, reason, detail, payload, stage, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(clock.instant()));
            insert.setString(2, topic);
            insert.setString(3, readingKey);
            insert.setString(4, device);
            insert.setString(5, reason.name());
            insert.setString(6, detail);
            insert.setBytes(7, seal.seal(new PayloadSeal.Place("payload", topic, readingKey), payload));
            insert.setString(8, stage);
            insert.setString(9, seal.currentKeyId());
            insert.executeUpdate();
        }
    }

    /** The device a reading's entry is listed and replayed under: its serial, else its BLE address. */
    private static String deviceOf(Reading reading) {
        return reading.device().serial() != null ? reading.device().serial() : reading.device().address();
    }

    /** A page of entries matching the filter, newest first, with ids below {@code beforeId}; payloads opened. */
    public List<Entry> list(Filter filter, long beforeId, int limit) {
        return page(filter, beforeId, limit, true);
    }

    /**
     * Like {@link #list}, but payloads left sealed ({@code null} in each entry): what the admin API lists, which shows
     * no payload. So one entry sealed with a key this replica lacks (a retired key not configured, another
     * deployment's key) does not make the whole listing fail; replaying that entry still says which key it needs.
     */
    public List<Entry> listWithoutPayloads(Filter filter, long beforeId, int limit) {
        return page(filter, beforeId, limit, false);
    }

    private List<Entry> page(Filter filter, long beforeId, int limit, boolean openPayloads) {
        String reason = filter.reason() == null ? null : filter.reason().name();
        return query(openPayloads, "SELECT " + COLUMNS + " FROM quarantine WHERE id < ? AND (?::text IS NULL OR reason = ?) "
                + "AND (?::text IS NULL OR device = ?) ORDER BY id DESC LIMIT ?", select -> {
            select.setLong(1, beforeId);
            select.setString(2, reason);
            select.setString(3, reason);
            select.setString(4, filter.device());
            select.setString(5, filter.device());
            select.setInt(6, limit);
        });
    }

    /** Every entry of one reading, oldest first. */
    public List<Entry> forReading(String readingKey) {
        return query("SELECT " + COLUMNS + " FROM quarantine WHERE reading_key = ? ORDER BY id",
                select -> select.setString(1, readingKey));
    }

    /** Devices with entries for one of {@code reasons} that await replay. */
    public List<String> devicesAwaitingReplay(Collection<QuarantineReason> reasons) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT DISTINCT device FROM quarantine "
                     + "WHERE state = " + AWAITING + " AND device IS NOT NULL AND reason = ANY (?) ORDER BY device")) {
            select.setArray(1, c.createArrayOf("text", reasons.stream().map(Enum::name).toArray()));
            List<String> devices = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    devices.add(rs.getString(1));
                }
            }
            return devices;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the quarantine: " + e.getMessage(), e);
        }
    }

    /** Entries awaiting replay that a replay takes: every criterion narrows. */
    public sealed interface Selection {

        /** A device's entries for one of {@code reasons} (the sweep, and an operator's replay of a device). */
        record OfDevice(String device, Collection<QuarantineReason> reasons) implements Selection {
        }

        /** Entries of one reason (an operator's replay after a fix). */
        record OfReason(QuarantineReason reason) implements Selection {
        }

        /** Entries by id (an operator's replay of particular entries). */
        record OfIds(Collection<Long> ids) implements Selection {
        }
    }

    /** What a replay judged of one entry; the store records it ({@link #replay}). */
    public sealed interface Verdict {

        /** The outcome as the metric's and the audit's tag, e.g. {@code requeued}. */
        String outcome();

        /**
         * AWAITING → REPLAYED: the reading went back into the pipeline (or was found there already).
         *
         * @param result what became of it, for the entry ({@code back in the inbox: resolve})
         */
        record Replayed(String outcome, String result) implements Verdict {
        }

        /**
         * AWAITING stays: the entry failed the check again; {@code detail} (the new refusal) replaces the entry's
         * detail, and the attempt is counted.
         */
        record StillQuarantined(String detail) implements Verdict {
            @Override
            public String outcome() {
                return "still-quarantined";
            }
        }
    }

    /**
     * Judges entries within the replay's transaction {@code c} (puts them back into the inbox, never writes to a
     * sink): gets a verdict per entry id; entries it leaves out are left as they are, unrecorded (the sweep's
     * entries whose device still resolves to nobody).
     */
    public interface Replayer {
        Map<Long, Verdict> replay(Connection c, List<Entry> entries) throws SQLException;
    }

    /**
     * How one page of a replay went.
     *
     * @param examined entries taken from the quarantine
     * @param replayed of those, the ones replayed (and marked so)
     * @param lastId   the highest id examined: the next page starts after it
     */
    public record ReplayPage(int examined, int replayed, long lastId) {
    }

    /**
     * Replays the next entries of the selection that await replay, with ids above {@code afterId}: takes up to
     * {@code limit} of them, locked so that another replica replaying at the same time skips them, hands them to
     * the replayer, and records each verdict — the transition, and a row of {@code quarantine_replay_audit} by
     * {@code actor} — all in one transaction with what the replayer did. If the replayer fails, nothing is recorded
     * and nothing it did is kept: a later replay tries again.
     */
    public ReplayPage replay(Selection selection, long afterId, int limit, String actor, Replayer replayer) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Entry> entries = awaiting(c, selection, afterId, limit);
                Map<Long, Verdict> verdicts = entries.isEmpty() ? Map.of() : replayer.replay(c, entries);
                int replayed = 0;
                Instant now = clock.instant();
                for (Entry e : entries) {
                    Verdict v = verdicts.get(e.id());
                    if (v instanceof Verdict.Replayed r) {
                        expectAwaiting(e, markReplayed(c, e.id(), r.result(), now));
                        audit(c, now, actor, "REPLAY", e, r.outcome(), r.result(), null);
                        replayed++;
                    } else if (v instanceof Verdict.StillQuarantined still) {
                        expectAwaiting(e, markAttempted(c, e.id(), still.detail(), now));
                        audit(c, now, actor, "REPLAY", e, still.outcome(), still.detail(),
                                still.detail().equals(e.detail()) ? null : e.detail());
                    }
                }
                c.commit();
                long lastId = entries.isEmpty() ? afterId : entries.get(entries.size() - 1).id();
                return new ReplayPage(entries.size(), replayed, lastId);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot replay the quarantine: " + e.getMessage(), e);
        }
    }

    private List<Entry> awaiting(Connection c, Selection selection, long afterId, int limit) throws SQLException {
        String where = selection instanceof Selection.OfDevice ? "device = ? AND reason = ANY (?)"
                : selection instanceof Selection.OfReason ? "reason = ?" : "id = ANY (?)";
        return read(c, "SELECT " + COLUMNS + " FROM quarantine WHERE " + where + " AND id > ? AND state = "
                + AWAITING + " ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED", select -> {
                    int next = 1;
                    if (selection instanceof Selection.OfDevice d) {
                        select.setString(next++, d.device());
                        select.setArray(next++, c.createArrayOf("text", d.reasons().stream().map(Enum::name)
                                .toArray()));
                    } else if (selection instanceof Selection.OfReason r) {
                        select.setString(next++, r.reason().name());
                    } else if (selection instanceof Selection.OfIds i) {
                        select.setArray(next++, c.createArrayOf("bigint", i.ids().toArray()));
                    }
                    select.setLong(next++, afterId);
                    select.setInt(next, limit);
                });
    }

    /** A person's decision on one entry, within the decision's transaction {@code c}, after which it is closed. */
    public interface Decider {
        /**
         * @return the decision's outcome tag and the entry's result text; throws to record nothing
         */
        Decision decide(Connection c, Entry entry) throws SQLException;
    }

    /**
     * What a person decided.
     *
     * @param action  what was asked: {@code DISMISS}, {@code KEEP_HELD}, {@code TAKE_ARRIVED}
     * @param outcome the metric's and the audit's tag: {@code dismissed}, {@code kept-held}, {@code superseded}
     * @param state   where the entry goes: {@link QuarantineState#DISMISSED} or {@link QuarantineState#REPLAYED}
     * @param result  what the entry shows, e.g. {@code dismissed by ops@example: …}
     * @param note    the operator's note, for the audit
     */
    public record Decision(String action, String outcome, QuarantineState state, String result, String note) {
    }

    /**
     * Closes one entry that awaits replay by a person's decision: locks it (waiting for a replay that holds it), lets
     * {@code decider} act in the same transaction, then AWAITING → DISMISSED or REPLAYED, audited as done by
     * {@code actor}.
     *
     * @return the decision; empty when no entry with that id awaits replay (none, or closed already)
     */
    public Optional<Decision> decide(long id, String actor, Decider decider) {
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                List<Entry> entries = read(c, "SELECT " + COLUMNS + " FROM quarantine WHERE id = ? AND state = "
                        + AWAITING + " FOR UPDATE", select -> select.setLong(1, id));
                if (entries.isEmpty()) {
                    return Optional.<Decision>empty();
                }
                Entry e = entries.get(0);
                Decision d = decider.decide(c, e);
                Instant now = clock.instant();
                expectAwaiting(e, d.state() == QuarantineState.DISMISSED ? markDismissed(c, id, d.result(), now)
                        : markReplayed(c, id, d.result(), now));
                audit(c, now, actor, d.action(), e, d.outcome(), d.note(), null);
                return Optional.of(d);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close a quarantine entry: " + e.getMessage(), e);
        }
    }

    /** AWAITING → REPLAYED. */
    private static boolean markReplayed(Connection c, long id, String result, Instant now) throws SQLException {
        return transition(c, "state = '" + QuarantineState.REPLAYED.name() + "', replayed_at = ?, replay_result = ?",
                id, result, now);
    }

    /** AWAITING → DISMISSED (the result says by whom and why). */
    private static boolean markDismissed(Connection c, long id, String result, Instant now) throws SQLException {
        return transition(c, "state = '" + QuarantineState.DISMISSED.name() + "', last_attempt_at = ?, "
                + "replay_result = ?", id, result, now);
    }

    /** AWAITING stays AWAITING: one more attempt, with the refusal it met as the detail. */
    private static boolean markAttempted(Connection c, long id, String detail, Instant now) throws SQLException {
        return transition(c, "attempts = attempts + 1, last_attempt_at = ?, detail = ?", id, detail, now);
    }

    /** One guarded UPDATE from AWAITING; {@code set} takes the time, then the text. */
    private static boolean transition(Connection c, String set, long id, String text, Instant now)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE quarantine SET " + set + " WHERE id = ? AND state = "
                + AWAITING)) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, text);
            update.setLong(3, id);
            return update.executeUpdate() == 1;
        }
    }

    private static void expectAwaiting(Entry e, boolean changed) {
        if (!changed) {
            // The entry is locked by this transaction: anything else is a bug, and nothing of it is recorded.
            throw new IllegalStateException("quarantine entry " + e.id() + " was not awaiting replay any more");
        }
    }

    private static void audit(Connection c, Instant now, String actor, String action, Entry e, String outcome,
                              String detail, String previousDetail) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO quarantine_replay_audit (at, actor, action, "
                + "entry_id, reason, outcome, detail, previous_detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(now));
            insert.setString(2, actor);
            insert.setString(3, action);
            insert.setLong(4, e.id());
            insert.setString(5, e.reason().name());
            insert.setString(6, outcome);
            insert.setString(7, detail);
            insert.setString(8, previousDetail);
            insert.executeUpdate();
        }
    }

    /** One row of {@code quarantine_replay_audit}. */
    public record AuditRecord(long id, Instant at, String actor, String action, long entryId, String reason,
                              String outcome, String detail, String previousDetail) {
    }

    /** The audit of one entry's replays and decisions, oldest first. */
    public List<AuditRecord> audit(long entryId) {
        try {
            return Jdbc.query(dataSource, "SELECT id, at, actor, action, entry_id, reason, outcome, detail, "
                    + "previous_detail FROM quarantine_replay_audit WHERE entry_id = ? ORDER BY id",
                    rs -> new AuditRecord(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getString(4), rs.getLong(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9)), entryId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the replay audit: " + e.getMessage(), e);
        }
    }

    /** How many entries await replay, per reason (reasons without any left out). */
    public Map<QuarantineReason, Long> awaitingByReason() {
        try {
            Map<QuarantineReason, Long> counts = new EnumMap<>(QuarantineReason.class);
            Jdbc.query(dataSource, "SELECT reason, count(*) FROM quarantine WHERE state = " + AWAITING
                    + " GROUP BY reason", rs -> counts.put(QuarantineReason.valueOf(rs.getString(1)), rs.getLong(2)));
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the quarantine: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes up to {@code limit} entries received before {@code cutoff}, replayed or not, and records the purge in
     * {@code quarantine_purge_audit} in the same transaction, as done at {@code now}.
     *
     * @return how many were deleted
     */
    public int purge(Instant cutoff, Instant now, int limit) {
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                int deleted;
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM quarantine WHERE id IN (SELECT id "
                        + "FROM quarantine WHERE received_at < ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)")) {
                    delete.setTimestamp(1, Timestamp.from(cutoff));
                    delete.setInt(2, limit);
                    deleted = delete.executeUpdate();
                }
                if (deleted > 0) {
                    try (PreparedStatement audit = c.prepareStatement("INSERT INTO quarantine_purge_audit "
                            + "(purged_at, older_than, entries) VALUES (?, ?, ?)")) {
                        audit.setTimestamp(1, Timestamp.from(now));
                        audit.setTimestamp(2, Timestamp.from(cutoff));
                        audit.setInt(3, deleted);
                        audit.executeUpdate();
                    }
                }
                return deleted;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot purge the quarantine: " + e.getMessage(), e);
        }
    }

    /**
     * Encrypts up to {@code limit} entries stored in plaintext (written before encryption at rest, or by a replica
     * of an older version) in place under the current key.
     *
     * @return how many were sealed
     */
    public int sealPlaintext(int limit) {
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                int sealed = 0;
                try (PreparedStatement select = c.prepareStatement("SELECT id, topic, reading_key, payload, "
                        + "held_payload FROM quarantine WHERE key_id IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED");
                     PreparedStatement update = c.prepareStatement("UPDATE quarantine SET payload = ?, "
                             + "held_payload = ?, key_id = ? WHERE id = ?")) {
                    select.setInt(1, limit);
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            String topic = rs.getString(2);
                            String readingKey = rs.getString(3);
                            update.setBytes(1, seal.seal(new PayloadSeal.Place("payload", topic, readingKey),
                                    rs.getBytes(4)));
                            update.setBytes(2, seal.seal(new PayloadSeal.Place("held_payload", topic, readingKey),
                                    rs.getBytes(5)));
                            update.setString(3, seal.currentKeyId());
                            update.setLong(4, rs.getLong(1));
                            update.addBatch();
                            sealed++;
                        }
                    }
                    if (sealed > 0) {
                        update.executeBatch();
                    }
                }
                return sealed;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seal the quarantine: " + e.getMessage(), e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement select) throws SQLException;
    }

    private List<Entry> query(String sql, Binder binder) {
        return query(true, sql, binder);
    }

    private List<Entry> query(boolean openPayloads, String sql, Binder binder) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, sql, binder, openPayloads);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the quarantine: " + e.getMessage(), e);
        }
    }

    private List<Entry> read(Connection c, String sql, Binder binder) throws SQLException {
        return read(c, sql, binder, true);
    }

    private List<Entry> read(Connection c, String sql, Binder binder, boolean openPayloads) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql)) {
            binder.bind(select);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Timestamp replayed = rs.getTimestamp(9);
                    String topic = rs.getString(3);
                    String readingKey = rs.getString(4);
                    String keyId = rs.getString(13);
                    entries.add(new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), topic, readingKey,
                            rs.getString(5), QuarantineReason.valueOf(rs.getString(6)), rs.getString(7),
                            openPayloads ? seal.open(keyId, new PayloadSeal.Place("payload", topic, readingKey),
                                    rs.getBytes(8)) : null,
                            replayed == null ? null : replayed.toInstant(), rs.getString(10), rs.getString(11),
                            openPayloads ? seal.open(keyId, new PayloadSeal.Place("held_payload", topic,
                                    readingKey), rs.getBytes(12)) : null,
                            QuarantineState.valueOf(rs.getString(14)), rs.getInt(15)));
                }
            }
            return entries;
        }
    }
}
