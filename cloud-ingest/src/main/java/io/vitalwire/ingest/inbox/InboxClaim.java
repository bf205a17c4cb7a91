package io.vitalwire.ingest.inbox;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entries of one stage taken by this worker ({@link InboxStore#claim}): nobody else handles them, or their devices'
 * other entries in this stage, until the claim is committed or closed. The stage records one transition per entry
 * through {@link StageBatch} — {@link #done}, {@link #owned}, {@link #quarantined} or {@link #failed}, each from
 * PENDING — and the worker {@link #commit}s them together; closing without a commit (a crash, an error) leaves
 * every entry pending, to be handled again, which the stages' idempotence makes harmless.
 *
 * <p>Finishing an entry makes it pending in the stages the {@code Pipeline} declares after this one; a failure keeps
 * it pending until the shared backoff's delay for its attempts has passed.
 */
public final class InboxClaim implements StageBatch, AutoCloseable {

    private static final int MAX_ERROR = 1000;

    private final Connection connection;
    private final String stage;
    private final List<String> nextStages;
    private final List<InboxEntry> entries;
    private final Map<Long, InboxEntry> byId = new HashMap<>();
    private final List<StageEntry> readable = new ArrayList<>();
    private final QuarantineStore quarantine;
    private final Clock clock;
    private final Backoff backoff;
    private final PreparedStatement owner;
    private final PreparedStatement settle;
    private final PreparedStatement next;
    private final PreparedStatement retry;
    private final List<Settled> settled = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final Map<Long, String> outcomes = new HashMap<>();
    private int owners;
    private int settles;
    private int nexts;
    private int retries;
    private boolean committed;

    /** An entry this claim finished with, reported after the commit (latency, quarantine counts). */
    public record Settled(InboxEntry entry, InboxState state, QuarantineReason reason) {
    }

    InboxClaim(Connection connection, String stage, List<String> nextStages, List<InboxEntry> entries,
               QuarantineStore quarantine, Clock clock, Backoff backoff) throws SQLException {
        this.connection = connection;
        this.stage = stage;
        this.nextStages = List.copyOf(nextStages);
        this.entries = List.copyOf(entries);
        this.quarantine = quarantine;
        this.clock = clock;
        this.backoff = backoff;
        for (InboxEntry e : entries) {
            byId.put(e.id(), e);
            if (e.reading() != null) {
                readable.add(new StageEntry(e.id(), e.topic(), e.device(), e.receivedAt(), e.reading(), e.owner(),
                        e.attempts()));
            }
        }
        this.owner = connection.prepareStatement("UPDATE inbox SET patient = ?, device_ref = ? WHERE id = ?");
        this.settle = connection.prepareStatement("UPDATE inbox_delivery SET state = ?, outcome = ?, done_at = ? "
                + "WHERE entry_id = ? AND stage = ? AND state = 'PENDING'");
        this.next = connection.prepareStatement("INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, "
                + "received_at, state, next_at) VALUES (?, ?, ?, ?, ?, 'PENDING', ?)");
        this.retry = connection.prepareStatement("UPDATE inbox_delivery SET attempts = attempts + 1, last_error = ?, "
                + "next_at = ? WHERE entry_id = ? AND stage = ? AND state = 'PENDING'");
    }

    public String stage() {
        return stage;
    }

    /** Every claimed entry, readable or not, device by device, each device's in measurement order. */
    List<InboxEntry> claimed() {
        return entries;
    }

    @Override
    public List<StageEntry> entries() {
        return readable;
    }

    @Override
    public List<List<StageEntry>> byDevice() {
        Map<String, List<StageEntry>> byDevice = new LinkedHashMap<>();
        for (StageEntry e : readable) {
            byDevice.computeIfAbsent(e.device(), d -> new ArrayList<>()).add(e);
        }
        return List.copyOf(byDevice.values());
    }

    /** PENDING → DONE: the stage handled the entry; the next stages have it pending. */
    @Override
    public void done(StageEntry e, String outcome) {
        finish(entry(e), outcome);
    }

    /** PENDING → DONE with the reading's owner kept on the entry, for every later stage. */
    @Override
    public void owned(StageEntry e, Owner owned, String outcome) {
        InboxEntry entry = entry(e);
        batch(() -> {
            owner.setString(1, owned.patient());
            owner.setString(2, owned.device());
            owner.setLong(3, entry.id());
            owner.addBatch();
            owners++;
        });
        finish(entry, outcome);
    }

    private void finish(InboxEntry e, String outcome) {
        batch(() -> {
            for (String sink : nextStages) {
                next.setLong(1, e.id());
                next.setString(2, sink);
                next.setString(3, e.device());
                next.setTimestamp(4, Timestamp.from(e.measuredAt()));
                next.setTimestamp(5, Timestamp.from(e.receivedAt()));
                next.setTimestamp(6, Timestamp.from(clock.instant()));
                next.addBatch();
                nexts++;
            }
        });
        settle(e, InboxState.DONE, outcome, null);
    }

    @Override
    public void quarantined(StageEntry e, QuarantineReason reason, String detail) {
        quarantined(entry(e), reason, detail);
    }

    /**
     * PENDING → QUARANTINED: the reading is set aside with its reason, in this claim's transaction, so the
     * quarantine entry and the transition commit together (a repeat after a crash does not quarantine it twice).
     */
    void quarantined(InboxEntry e, QuarantineReason reason, String detail) {
        batch(() -> {
            if (e.reading() != null) {
                quarantine.insertReading(connection, e.topic(), e.reading(), reason, detail, stage);
            } else {
                quarantine.insert(connection, e.topic(), e.readingKey(), null, reason, detail, e.stored(), stage);
            }
        });
        settle(e, InboxState.QUARANTINED, "quarantined " + reason, reason);
    }

    /**
     * PENDING stays PENDING: the attempt failed; each entry is due again after the shared backoff's delay for its
     * number of failed attempts.
     */
    @Override
    public void failed(List<StageEntry> failed, Failure failure) {
        failures.add(failure);
        String error = failure.cause().tag() + ": " + failure.message();
        String why = error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        Instant now = clock.instant();
        for (StageEntry s : failed) {
            InboxEntry e = entry(s);
            record(e, "retry");
            batch(() -> {
                retry.setString(1, why);
                retry.setTimestamp(2, Timestamp.from(now.plus(backoff.delayAfter(e.attempts()))));
                retry.setLong(3, e.id());
                retry.setString(4, stage);
                retry.addBatch();
                retries++;
            });
        }
    }

    /** The failures the stage reported in this claim, in order. */
    List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Whether the stage's service took at least one entry (done or owned). */
    boolean anyDone() {
        return settled.stream().anyMatch(s -> s.state() == InboxState.DONE);
    }

    private void settle(InboxEntry e, InboxState state, String outcome, QuarantineReason reason) {
        record(e, state.name());
        batch(() -> {
            settle.setString(1, state.name());
            settle.setString(2, outcome);
            settle.setTimestamp(3, Timestamp.from(clock.instant()));
            settle.setLong(4, e.id());
            settle.setString(5, stage);
            settle.addBatch();
            settles++;
        });
        settled.add(new Settled(e, state, reason));
    }

    /** One outcome per entry: a second one is a bug in the stage, and nothing of the claim is recorded. */
    private void record(InboxEntry e, String outcome) {
        String before = outcomes.putIfAbsent(e.id(), outcome);
        if (before != null) {
            throw new IllegalStateException(stage + " recorded two outcomes for entry " + e.id() + ": " + before
                    + ", then " + outcome);
        }
    }

    private InboxEntry entry(StageEntry e) {
        InboxEntry entry = byId.get(e.id());
        if (entry == null) {
            throw new IllegalArgumentException("entry " + e.id() + " is not in this " + stage + " claim");
        }
        return entry;
    }

    /**
     * Records every transition and ends the claim. Every claimed entry must have exactly one outcome, and each
     * transition must find its entry still pending in this stage (the claim holds it, so anything else is a bug):
     * otherwise nothing is recorded.
     *
     * @return the entries finished (DONE or QUARANTINED) by this claim
     */
    public List<Settled> commit() {
        if (outcomes.size() != entries.size()) {
            throw new IllegalStateException(stage + " left " + (entries.size() - outcomes.size()) + " of "
                    + entries.size() + " claimed entries without an outcome");
        }
        try {
            expect("owner", owner.executeBatch(), owners);
            expect("transition", settle.executeBatch(), settles);
            expect("next stage", next.executeBatch(), nexts);
            expect("retry", retry.executeBatch(), retries);
            connection.commit();
            committed = true;
            return List.copyOf(settled);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the " + stage + " claim: " + e.getMessage(), e);
        }
    }

    private void expect(String what, int[] counts, int expected) {
        int changed = 0;
        for (int count : counts) {
            changed += count == PreparedStatement.SUCCESS_NO_INFO ? 1 : count;
        }
        if (counts.length != expected || changed != expected) {
            throw new IllegalStateException(stage + " claim: " + changed + " of " + expected + " " + what
                    + " updates found their entry pending");
        }
    }

    private interface Step {
        void run() throws SQLException;
    }

    private void batch(Step step) {
        try {
            step.run();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a " + stage + " transition: " + e.getMessage(), e);
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
