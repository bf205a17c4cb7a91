package io.vitalwire.ingest.inbox;

import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.resolve.Resolution;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entries of one stage taken by this worker ({@link InboxStore#claim}): nobody else handles them, or their devices'
 * other entries in this stage, until the claim is committed or closed. The worker records one transition per entry
 * — {@link #resolved}, {@link #done}, {@link #quarantined} or {@link #retry}, each from PENDING — and
 * {@link #commit}s them together; closing without a commit (a crash, an error) leaves every entry pending, to be
 * handled again, which the sinks' idempotence makes harmless.
 */
public final class InboxClaim implements AutoCloseable {

    private static final int MAX_ERROR = 1000;

    private final Connection connection;
    private final InboxStage stage;
    private final List<InboxEntry> entries;
    private final QuarantineStore quarantine;
    private final PreparedStatement owner;
    private final PreparedStatement settle;
    private final PreparedStatement next;
    private final PreparedStatement retry;
    private final List<Settled> settled = new ArrayList<>();
    private int owners;
    private int settles;
    private int nexts;
    private int retries;
    private boolean committed;

    /** An entry this claim finished with, reported after the commit (latency, quarantine counts). */
    public record Settled(InboxEntry entry, InboxState state, QuarantineReason reason) {
    }

    InboxClaim(Connection connection, InboxStage stage, List<InboxEntry> entries, QuarantineStore quarantine)
            throws SQLException {
        this.connection = connection;
        this.stage = stage;
        this.entries = List.copyOf(entries);
        this.quarantine = quarantine;
        this.owner = connection.prepareStatement("UPDATE inbox SET patient = ?, device_ref = ? WHERE id = ?");
        this.settle = connection.prepareStatement("UPDATE inbox_delivery SET state = ?, outcome = ?, done_at = ? "
                + "WHERE entry_id = ? AND stage = ? AND state = 'PENDING'");
        this.next = connection.prepareStatement("INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, "
                + "received_at, state, next_at) VALUES (?, ?, ?, ?, ?, 'PENDING', ?)");
        this.retry = connection.prepareStatement("UPDATE inbox_delivery SET attempts = attempts + 1, last_error = ?, "
                + "next_at = ? WHERE entry_id = ? AND stage = ? AND state = 'PENDING'");
    }

    public InboxStage stage() {
        return stage;
    }

    /** Every claimed entry, device by device, each device's in measurement order. */
    public List<InboxEntry> entries() {
        return entries;
    }

    /** The entries whose reading can be read, grouped by device, each group in measurement order. */
    public List<List<InboxEntry>> readableByDevice() {
        Map<String, List<InboxEntry>> byDevice = new LinkedHashMap<>();
        for (InboxEntry e : entries) {
            if (e.reading() != null) {
                byDevice.computeIfAbsent(e.device(), d -> new ArrayList<>()).add(e);
            }
        }
        return List.copyOf(byDevice.values());
    }

    /**
     * RESOLVE → DONE: the reading's owner is known; it is kept on the entry, and the entry becomes pending in FHIR
     * and INFLUX.
     *
     * @param kind what the reading is, for the outcome ("spot measurement", "stream sample")
     */
    public void resolved(InboxEntry e, Resolution.Assigned owned, String kind, Instant now) {
        requireStage(InboxStage.RESOLVE);
        batch(() -> {
            owner.setString(1, owned.patient());
            owner.setString(2, owned.device());
            owner.setLong(3, e.id());
            owner.addBatch();
            owners++;
            for (InboxStage sink : List.of(InboxStage.FHIR, InboxStage.INFLUX)) {
                next.setLong(1, e.id());
                next.setString(2, sink.name());
                next.setString(3, e.device());
                next.setTimestamp(4, Timestamp.from(e.measuredAt()));
                next.setTimestamp(5, Timestamp.from(e.receivedAt()));
                next.setTimestamp(6, Timestamp.from(now));
                next.addBatch();
                nexts++;
            }
        });
        settle(e, InboxState.DONE, kind, now, null);
    }

    /** PENDING → DONE: this stage handled the entry; {@code outcome} says how, with ids, never values. */
    public void done(InboxEntry e, String outcome, Instant now) {
        settle(e, InboxState.DONE, outcome, now, null);
    }

    /**
     * PENDING → QUARANTINED: the reading is set aside with its reason, in this claim's transaction, so the
     * quarantine entry and the transition commit together (a repeat after a crash does not quarantine it twice).
     */
    public void quarantined(InboxEntry e, QuarantineReason reason, String detail, Instant now) {
        batch(() -> {
            if (e.reading() != null) {
                quarantine.insertReading(connection, e.topic(), e.reading(), reason, detail);
            } else {
                quarantine.insert(connection, e.topic(), e.readingKey(), null, reason, detail, e.stored());
            }
        });
        settle(e, InboxState.QUARANTINED, "quarantined " + reason, now, reason);
    }

    /** PENDING stays PENDING: the attempt failed with {@code error}; the entry is due again at {@code retryAt}. */
    public void retry(InboxEntry e, String error, Instant retryAt) {
        batch(() -> {
            String why = error == null ? "(no message)" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR)
                    : error;
            retry.setString(1, why);
            retry.setTimestamp(2, Timestamp.from(retryAt));
            retry.setLong(3, e.id());
            retry.setString(4, stage.name());
            retry.addBatch();
            retries++;
        });
    }

    private void settle(InboxEntry e, InboxState state, String outcome, Instant now, QuarantineReason reason) {
        batch(() -> {
            settle.setString(1, state.name());
            settle.setString(2, outcome);
            settle.setTimestamp(3, Timestamp.from(now));
            settle.setLong(4, e.id());
            settle.setString(5, stage.name());
            settle.addBatch();
            settles++;
        });
        settled.add(new Settled(e, state, reason));
    }

    /**
     * Records every transition and ends the claim. Each transition must find its entry still pending in this stage
     * (the claim holds it, so anything else is a bug): otherwise nothing is recorded.
     *
     * @return the entries finished (DONE or QUARANTINED) by this claim
     */
    public List<Settled> commit() {
        try {
            expect("owner", owner.executeBatch(), owners);
            expect("transition", settle.executeBatch(), settles);
            expect("next stage", next.executeBatch(), nexts);
            expect("retry", retry.executeBatch(), retries);
            connection.commit();
            committed = true;
            return List.copyOf(settled);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the " + stage.tag() + " claim: " + e.getMessage(), e);
        }
    }

    private void expect(String what, int[] counts, int expected) {
        int changed = 0;
        for (int count : counts) {
            changed += count == PreparedStatement.SUCCESS_NO_INFO ? 1 : count;
        }
        if (counts.length != expected || changed != expected) {
            throw new IllegalStateException(stage.tag() + " claim: " + changed + " of " + expected + " " + what
                    + " updates found their entry pending");
        }
    }

    private void requireStage(InboxStage wanted) {
        if (stage != wanted) {
            throw new IllegalStateException("a " + stage.tag() + " claim cannot record a " + wanted.tag()
                    + " transition");
        }
    }

    private interface Step {
        void run() throws SQLException;
    }

    private void batch(Step step) {
        try {
            step.run();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a " + stage.tag() + " transition: " + e.getMessage(), e);
        }
    }

    /** Ends the claim: what was not committed is rolled back, and the entries are pending again. */
    @Override
    public void close() {
        try (Connection c = connection) {
            if (!committed) {
                c.rollback();
            }
        } catch (SQLException e) {
            // A broken connection: the pool discards it, PostgreSQL ends the transaction and its locks.
        }
    }
}
