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
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Keeps what cloud-ingest refused, with the reason, in PostgreSQL: nothing refused disappears unseen, operators can
 * list it, and readings held back for their device (unknown, unassigned) are replayed once it is assigned; each entry
 * records when it was replayed and what became of the reading. Payloads hold values and identifiers: they are stored
 * encrypted ({@link PayloadSeal}) and entries are purged after the retention ({@link QuarantineRetention}).
 */
@Singleton
public class QuarantineStore {

    private static final String COLUMNS = "id, received_at, topic, reading_key, device, reason, detail, payload, "
            + "replayed_at, replay_result, stage, held_payload, key_id";

    /** A device's next entries awaiting replay; another replica's replay skips the rows locked here. */
    private static final String AWAITING_REPLAY = "SELECT " + COLUMNS + " FROM quarantine WHERE device = ? "
            + "AND id > ? AND replayed_at IS NULL AND reason = ANY (?) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";

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
     */
    public record Entry(long id, Instant at, String topic, String readingKey, String device, QuarantineReason reason,
                        String detail, byte[] payload, Instant replayedAt, String replayResult, String stage,
                        byte[] heldPayload) {
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

    /** A page of entries matching the filter, newest first, with ids below {@code beforeId}. */
    public List<Entry> list(Filter filter, long beforeId, int limit) {
        String reason = filter.reason() == null ? null : filter.reason().name();
        return query("SELECT " + COLUMNS + " FROM quarantine WHERE id < ? AND (?::text IS NULL OR reason = ?) "
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

    /** Devices with entries for one of {@code reasons} that were not replayed yet. */
    public List<String> devicesAwaitingReplay(Collection<QuarantineReason> reasons) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT DISTINCT device FROM quarantine "
                     + "WHERE replayed_at IS NULL AND device IS NOT NULL AND reason = ANY (?) ORDER BY device")) {
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

    /**
     * Replays entries within the replay's transaction {@code c} (puts them back into the inbox, never writes to a
     * sink): gets what became of each, by entry id; entries it leaves out stay awaiting replay.
     */
    public interface Replayer {
        Map<Long, String> replay(Connection c, List<Entry> entries) throws SQLException;
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
     * Replays the next entries of a device that await replay for one of {@code reasons}, with ids above
     * {@code afterId}: takes up to {@code limit} of them, locked so that another replica replaying at the same time
     * skips them, hands them to the replayer, and marks those it replayed with the time and the result, all in one
     * transaction with what the replayer did. If the replayer fails, nothing is marked and nothing it did is kept: a
     * later replay tries again.
     */
    public ReplayPage replay(String device, Collection<QuarantineReason> reasons, long afterId, int limit,
                             Replayer replayer) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Entry> entries = read(c, AWAITING_REPLAY, select -> {
                    select.setString(1, device);
                    select.setLong(2, afterId);
                    select.setArray(3, c.createArrayOf("text", reasons.stream().map(Enum::name).toArray()));
                    select.setInt(4, limit);
                });
                Map<Long, String> results = entries.isEmpty() ? Map.of() : replayer.replay(c, entries);
                try (PreparedStatement mark = c.prepareStatement(
                        "UPDATE quarantine SET replayed_at = ?, replay_result = ? WHERE id = ?")) {
                    Timestamp now = Timestamp.from(clock.instant());
                    for (Map.Entry<Long, String> r : results.entrySet()) {
                        mark.setTimestamp(1, now);
                        mark.setString(2, r.getValue());
                        mark.setLong(3, r.getKey());
                        mark.addBatch();
                    }
                    mark.executeBatch();
                }
                c.commit();
                long lastId = entries.isEmpty() ? afterId : entries.get(entries.size() - 1).id();
                return new ReplayPage(entries.size(), results.size(), lastId);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot replay the quarantine: " + e.getMessage(), e);
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
        try (Connection c = dataSource.getConnection()) {
            return read(c, sql, binder);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the quarantine: " + e.getMessage(), e);
        }
    }

    private List<Entry> read(Connection c, String sql, Binder binder) throws SQLException {
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
                            seal.open(keyId, new PayloadSeal.Place("payload", topic, readingKey), rs.getBytes(8)),
                            replayed == null ? null : replayed.toInstant(), rs.getString(10), rs.getString(11),
                            seal.open(keyId, new PayloadSeal.Place("held_payload", topic, readingKey),
                                    rs.getBytes(12))));
                }
            }
            return entries;
        }
    }
}
