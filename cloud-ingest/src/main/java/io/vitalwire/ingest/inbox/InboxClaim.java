package io.vitalwire.ingest.inbox;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.pipeline.StageBatch;
import io.vitalwire.ingest.pipeline.StageEntry;
import io.vitalwire.ingest.pipeline.Tally;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import java.sql.Array;
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
import java.util.stream.Stream;

/**
 * Entries of one stage taken by this worker ({@link InboxStore#claim}): nobody else handles them, or their devices'
 * other entries in this stage, until the claim is committed or closed. The stage records one transition per entry
 * through {@link StageBatch} — {@link #done}, {@link #owned}, {@link #quarantined} or {@link #failed}, each from
 * PENDING — and the worker {@link #commit}s them together; closing without a commit (a crash, an error) leaves
 * every entry pending, to be handled again, which the stages' idempotence makes harmless.
 *
 * <p>Finishing an entry makes it pending in the stages the {@code Pipeline} declares after this one, and writes the
 * tallies it declares with this one in the same transaction; a failure keeps it pending until the shared backoff's
 * delay for its attempts has passed.
 */
public final class InboxClaim implements StageBatch, AutoCloseable {

    private static final int MAX_ERROR = 1000;

    private final Connection connection;
    private final String stage;
    private final List<String> nextStages;
    private final List<Tally> tallies;
    private final List<InboxEntry> entries;
    private final Map<Long, InboxEntry> byId = new HashMap<>();
    private final List<StageEntry> readable = new ArrayList<>();
    private final QuarantineStore quarantine;
    private final Clock clock;
    private final Backoff backoff;
    private final List<Owned> owners = new ArrayList<>();
    private final List<Settled> settled = new ArrayList<>();
    private final List<Retry> retries = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final Map<Long, String> outcomes = new HashMap<>();
    private boolean committed;

    /** An entry this claim finished with, reported after the commit (latency, quarantine counts). */
    public record Settled(InboxEntry entry, InboxState state, String outcome, QuarantineReason reason) {
    }

    private record Owned(long id, Owner owner) {
    }

    private record Retry(long id, String error, Instant nextAt) {
    }

    InboxClaim(Connection connection, String stage, List<String> nextStages, List<Tally> tallies,
               List<InboxEntry> entries, QuarantineStore quarantine, Clock clock, Backoff backoff) {
        this.connection = connection;
        this.stage = stage;
        this.nextStages = List.copyOf(nextStages);
        this.tallies = List.copyOf(tallies);
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
        settle(entry(e), InboxState.DONE, outcome, null);
    }

    /** PENDING → DONE with the reading's owner kept on the entry, for every later stage. */
    @Override
    public void owned(StageEntry e, Owner owned, String outcome) {
        InboxEntry entry = entry(e);
        settle(entry, InboxState.DONE, outcome, null);
        owners.add(new Owned(entry.id(), owned));
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
        settle(e, InboxState.QUARANTINED, "quarantined " + reason, reason);
        run(() -> {
            if (e.reading() != null) {
                quarantine.insertReading(connection, e.topic(), e.reading(), reason, detail, stage);
            } else {
                quarantine.insert(connection, e.topic(), e.readingKey(), null, reason, detail, e.stored(), stage);
            }
        });
    }

    /**
     * PENDING stays PENDING: the attempt failed; each entry is due again after the shared backoff's delay for its
     * number of failed attempts, or after the service's {@code Retry-After} if that is longer (up to the longest
     * backoff).
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
            retries.add(new Retry(e.id(), why, now.plus(backoff.delayAfter(e.attempts(), failure.retryAfter()))));
        }
    }

    /** The entries the stage has given no outcome yet (all of them, when it threw before recording any). */
    List<StageEntry> unsettled() {
        return entries().stream().filter(e -> !outcomes.containsKey(e.id())).toList();
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
        settled.add(new Settled(e, state, outcome, reason));
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
     * <p>Each kind of transition is one statement over arrays ({@code unnest}), whatever the claim's size: a claim of
     * 500 readings is four statements, not 2,500, which is most of what a stage costs per reading.
     *
     * @return the entries finished (DONE or QUARANTINED) by this claim
     */
    public List<Settled> commit() {
        if (outcomes.size() != entries.size()) {
            throw new IllegalStateException(stage + " left " + (entries.size() - outcomes.size()) + " of "
                    + entries.size() + " claimed entries without an outcome");
        }
        try {
            Timestamp now = Timestamp.from(clock.instant());
            expect("owner", recordOwners(), owners.size());
            expect("transition", recordSettled(now), settled.size());
            List<InboxEntry> done = settled.stream().filter(s -> s.state() == InboxState.DONE)
                    .map(Settled::entry).toList();
            expect("next stage", recordNext(done, now), done.size() * nextStages.size());
            expect("retry", recordRetries(), retries.size());
            recordTallies(done);
            connection.commit();
            committed = true;
            return List.copyOf(settled);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the " + stage + " claim: " + e.getMessage(), e);
        }
    }

    private int recordOwners() throws SQLException {
        if (owners.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE inbox i SET patient = o.patient, "
                + "device_ref = o.device_ref FROM unnest(?::bigint[], ?::text[], ?::text[]) AS o(id, patient, device_ref) "
                + "WHERE i.id = o.id")) {
            update.setArray(1, array("bigint", owners.stream().map(Owned::id)));
            update.setArray(2, array("text", owners.stream().map(o -> o.owner().patient())));
            update.setArray(3, array("text", owners.stream().map(o -> o.owner().device())));
            return update.executeUpdate();
        }
    }

    private int recordSettled(Timestamp now) throws SQLException {
        if (settled.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE inbox_delivery d SET state = s.state, "
                + "outcome = s.outcome, done_at = ? FROM unnest(?::bigint[], ?::text[], ?::text[]) AS s(id, state, outcome) "
                + "WHERE d.entry_id = s.id AND d.stage = ? AND d.state = ?")) {
            update.setTimestamp(1, now);
            update.setArray(2, array("bigint", settled.stream().map(s -> s.entry().id())));
            update.setArray(3, array("text", settled.stream().map(s -> s.state().name())));
            update.setArray(4, array("text", settled.stream().map(Settled::outcome)));
            update.setString(5, stage);
            update.setString(6, InboxState.PENDING.name());
            return update.executeUpdate();
        }
    }

    /** Finished entries become pending, due now, in every stage that follows this one. */
    private int recordNext(List<InboxEntry> done, Timestamp now) throws SQLException {
        if (done.isEmpty() || nextStages.isEmpty()) {
            return 0;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO inbox_delivery (entry_id, stage, "
                + "device, measured_at, received_at, state, next_at, express) SELECT e.id, n.stage, e.device, "
                + "e.measured_at, e.received_at, ?, ?, e.express FROM unnest(?::bigint[], ?::text[], "
                + "?::timestamptz[], ?::timestamptz[], ?::boolean[]) AS e(id, device, measured_at, received_at, express) "
                + "CROSS JOIN unnest(?::text[]) AS n(stage)")) {
            insert.setString(1, InboxState.PENDING.name());
            insert.setTimestamp(2, now);
            insert.setArray(3, array("bigint", done.stream().map(InboxEntry::id)));
            insert.setArray(4, array("text", done.stream().map(InboxEntry::device)));
            insert.setArray(5, array("timestamptz", done.stream().map(e -> Timestamp.from(e.measuredAt()))));
            insert.setArray(6, array("timestamptz", done.stream().map(e -> Timestamp.from(e.receivedAt()))));
            insert.setArray(7, array("boolean", done.stream().map(InboxEntry::express)));
            insert.setArray(8, array("text", nextStages.stream()));
            return insert.executeUpdate();
        }
    }

    /**
     * The tallies the pipeline writes with this stage, last: the row locks they take (a patient's day) are held only
     * until the commit that follows.
     */
    private void recordTallies(List<InboxEntry> done) throws SQLException {
        if (done.isEmpty() || tallies.isEmpty()) {
            return;
        }
        Map<Long, Owner> decided = new HashMap<>();
        owners.forEach(o -> decided.put(o.id(), o.owner()));
        List<StageEntry> finished = new ArrayList<>(done.size());
        for (InboxEntry e : done) {
            finished.add(new StageEntry(e.id(), e.topic(), e.device(), e.receivedAt(), e.reading(),
                    decided.getOrDefault(e.id(), e.owner()), e.attempts()));
        }
        for (Tally tally : tallies) {
            tally.record(connection, finished);
        }
    }

    private int recordRetries() throws SQLException {
        if (retries.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE inbox_delivery d SET "
                + "attempts = d.attempts + 1, last_error = r.error, next_at = r.next_at "
                + "FROM unnest(?::bigint[], ?::text[], ?::timestamptz[]) AS r(id, error, next_at) "
                + "WHERE d.entry_id = r.id AND d.stage = ? AND d.state = ?")) {
            update.setArray(1, array("bigint", retries.stream().map(Retry::id)));
            update.setArray(2, array("text", retries.stream().map(Retry::error)));
            update.setArray(3, array("timestamptz", retries.stream().map(r -> Timestamp.from(r.nextAt()))));
            update.setString(4, stage);
            update.setString(5, InboxState.PENDING.name());
            return update.executeUpdate();
        }
    }

    private Array array(String type, Stream<?> values) throws SQLException {
        return connection.createArrayOf(type, values.toArray());
    }

    private void expect(String what, int changed, int expected) {
        if (changed != expected) {
            throw new IllegalStateException(stage + " claim: " + changed + " of " + expected + " " + what
                    + " updates found their entry pending");
        }
    }

    private interface Step {
        void run() throws SQLException;
    }

    private void run(Step step) {
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
