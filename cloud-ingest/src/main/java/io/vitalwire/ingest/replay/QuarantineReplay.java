package io.vitalwire.ingest.replay;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.db.SqlFailure;
import io.vitalwire.ingest.events.GatewayEvents;
import io.vitalwire.ingest.inbox.InboxSignals;
import io.vitalwire.ingest.inbox.InboxStore;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.operations.PresenceMessages;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineState;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.quarantine.QuarantineStore.Verdict;
import io.vitalwire.ingest.quarantine.ReadingChecks;
import io.vitalwire.ingest.resolve.DeviceLookup;
import io.vitalwire.ingest.resolve.PatientResolver;
import io.vitalwire.ingest.resolve.Resolution;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replays quarantine entries: runs each through the same check it failed, with the current code and configuration,
 * and puts what passes back into the pipeline; what fails again stays quarantined with the new detail, the attempt
 * counted and audited. Never a bypass: a replayed reading meets every check an arriving one meets after the one it
 * failed. Per reason ({@link QuarantineReason#cure()} says who replays it):
 *
 * <ul>
 *   <li><b>resolve</b> ({@code UNKNOWN_DEVICE}, {@code UNASSIGNED_DEVICE}, {@code CONFLICTING_ASSIGNMENTS},
 *       {@code UNBOUND_USER}, {@code DEVICE_NOT_AT_GATEWAY}, {@code TENANT_MISMATCH}): once the device resolves to a
 *       patient at the reading's measurement time and, for {@code DEVICE_NOT_AT_GATEWAY}, is installed at the hub
 *       that sent it (for {@code TENANT_MISMATCH}: the sending gateway is registered under the topic's tenant), back
 *       into the stage that set it aside, which checks them all again;</li>
 *   <li><b>fhir, influx</b> ({@code UNMAPPABLE}, {@code FHIR_REJECTED}, {@code INFLUX_REJECTED}): back into that
 *       stage, which maps and writes it again; refused again, the stage quarantines it again, as a new entry of the
 *       same reading key;</li>
 *   <li><b>consumer</b> ({@code GATEWAY_MISMATCH}, {@code IMPLAUSIBLE_VALUE}, {@code IMPLAUSIBLE_TIME},
 *       {@code INBOX_REFUSED}): the consumer's {@link ReadingChecks} (times judged against the entry's arrival),
 *       then the inbox, here and now;</li>
 *   <li>{@code CONTRACT_VIOLATION}: the payload decoded again by the current codec; a readings batch's readings
 *       then each take the consumer's checks and the inbox (each refusal a new entry of its own), an events, state
 *       or status payload goes to its consumer;</li>
 *   <li>{@code KEY_CONFLICT}: compared again with what the key holds (the inbox's reading, else the one kept
 *       beside the entry); the same measurement now, it is closed as a duplicate, else it waits for a person's
 *       decision ({@link KeyConflicts}).</li>
 * </ul>
 *
 * <p>Going back into the pipeline is one guarded transition: the reading's entry goes from QUARANTINED back to
 * PENDING in the stage that set it aside ({@link InboxStore#requeue}), or, when it never was in the inbox or was
 * purged since, the reading is taken into the inbox. Both happen in the transaction that marks the quarantine entry
 * replayed and audits it, so an entry is replayed once, and nothing is written to FHIR or InfluxDB inside it: from
 * there the reading takes the way of every reading. The sweep replays only reasons a change of configuration cures
 * and records only what it replayed; an operator's replay (any reason, per entry or per reason) records every
 * entry it judged. People close what no replay can ({@link #dismiss}).
 *
 * <p>Metric: {@code vitalwire.ingest.quarantine.replayed{outcome}}, outcome one of {@link #OUTCOMES}.
 */
@Singleton
public class QuarantineReplay {

    /** Who the audit names for the periodic sweep. */
    public static final String SWEEP = "sweep";
    /** The outcomes counted: the tags of {@code vitalwire.ingest.quarantine.replayed} and of the audit. */
    public static final List<String> OUTCOMES = List.of("requeued", "readded", "inboxed-already", "requarantined",
            "decoded", "handed-over", "still-quarantined", "dismissed", "kept-held", "superseded");

    /** The reasons a change of configuration (FHIR, installations, tenants) cures: the sweep's. */
    static final Set<QuarantineReason> SWEPT = EnumSet.copyOf(Arrays.stream(QuarantineReason.values())
            .filter(r -> r.cure() == QuarantineReason.Cure.CONFIGURATION).toList());

    private final ContractCodec codec = new ContractCodec();
    private final QuarantineStore store;
    private final PatientResolver resolver;
    private final DeviceInstallations installations;
    private final GatewayTenants tenants;
    private final InboxStore inbox;
    private final InboxSignals signals;
    private final Pipeline pipeline;
    private final GatewayEvents events;
    private final PresenceMessages presence;
    private final ReplayConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public QuarantineReplay(QuarantineStore store, PatientResolver resolver, DeviceInstallations installations,
                            GatewayTenants tenants, InboxStore inbox, InboxSignals signals, Pipeline pipeline,
                            GatewayEvents events, PresenceMessages presence, ReplayConfig config,
                            MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.resolver = resolver;
        this.installations = installations;
        this.tenants = tenants;
        this.inbox = inbox;
        this.signals = signals;
        this.pipeline = pipeline;
        this.events = events;
        this.presence = presence;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Replays a device's entries of the reasons a configuration change cures now, reading its assignments afresh
     * from FHIR (an operator asks right after assigning it).
     *
     * @param device the device's serial, or its BLE address
     * @param actor  who asks (the token's subject), for the audit
     */
    public ReplayReport replayDevice(String device, String actor) {
        resolver.forget(device);
        return replay(new QuarantineStore.Selection.OfDevice(device, SWEPT), Integer.MAX_VALUE, actor);
    }

    /** Replays the entries of every device that has some of the reasons a configuration change cures. */
    public ReplayReport sweep() {
        ReplayReport total = ReplayReport.NONE;
        for (String device : store.devicesAwaitingReplay(SWEPT)) {
            total = total.plus(replay(new QuarantineStore.Selection.OfDevice(device, SWEPT), Integer.MAX_VALUE,
                    SWEEP));
        }
        return total;
    }

    /** Replays particular entries, whatever their reason (an operator, after a fix or to judge them again). */
    public ReplayReport replayEntries(List<Long> ids, String actor) {
        return replay(new QuarantineStore.Selection.OfIds(List.copyOf(ids)), ids.size(), actor);
    }

    /** Replays up to {@code limit} entries of one reason, oldest first (an operator, after a fix). */
    public ReplayReport replayReason(QuarantineReason reason, int limit, String actor) {
        return replay(new QuarantineStore.Selection.OfReason(reason), limit, actor);
    }

    /**
     * Closes an entry without replaying it: an operator decided it is not to be ingested (a forged key, a reading
     * nobody can place). Its payload stays until the retention purges it.
     *
     * @return the decision; empty when no such entry awaits replay
     */
    public Optional<ReplayReport.EntryOutcome> dismiss(long id, String note, String actor) {
        return decided(id, store.decide(id, actor, (c, e) -> new QuarantineStore.Decision("DISMISS", "dismissed",
                QuarantineState.DISMISSED, "dismissed by " + actor + ": " + note, note)));
    }

    /** Counts a decision taken on an entry and reports it. */
    Optional<ReplayReport.EntryOutcome> decided(long id, Optional<QuarantineStore.Decision> decision) {
        decision.ifPresent(d -> counted(d.outcome()));
        return decision.map(d -> new ReplayReport.EntryOutcome(id, null, d.outcome(), d.result()));
    }

    void counted(String outcome) {
        metrics.counter("vitalwire.ingest.quarantine.replayed", "outcome", outcome).increment();
    }

    /** One page's replay: the devices looked up in it, and what it leaves to do after its commit. */
    private static final class AfterCommit {
        final Map<String, DeviceLookup> lookups = new HashMap<>();
        final Set<String> woken = new LinkedHashSet<>();
        final List<QuarantineReason> quarantined = new ArrayList<>();
    }

    private ReplayReport replay(QuarantineStore.Selection selection, int limit, String actor) {
        boolean operator = !SWEEP.equals(actor);
        ReplayReport report = ReplayReport.NONE;
        long after = 0;
        while (report.examined() < limit) {
            AfterCommit later = new AfterCommit();
            Map<Long, Verdict> verdicts = new HashMap<>();
            Map<Long, QuarantineReason> reasons = new HashMap<>();
            QuarantineStore.ReplayPage page = store.replay(selection, after,
                    Math.min(config.getBatchSize(), limit - report.examined()), actor, (c, entries) -> {
                        verdicts.clear();
                        for (QuarantineStore.Entry e : entries) {
                            reasons.put(e.id(), e.reason());
                            Verdict v = judge(c, e, later);
                            if (v != null && (operator || v instanceof Verdict.Replayed)) {
                                verdicts.put(e.id(), v);
                            }
                        }
                        return verdicts;
                    });
            if (page.examined() == 0) {
                return report;
            }
            // Committed: the workers may take them, the new entries count, the other consumers get theirs.
            later.woken.forEach(signals::wake);
            later.quarantined.forEach(store::counted);
            verdicts.values().forEach(v -> counted(v.outcome()));
            List<ReplayReport.EntryOutcome> outcomes = operator ? verdicts.entrySet().stream()
                    .map(v -> new ReplayReport.EntryOutcome(v.getKey(), reasons.get(v.getKey()).name(),
                            v.getValue().outcome(), v.getValue() instanceof Verdict.Replayed r ? r.result()
                                    : ((Verdict.StillQuarantined) v.getValue()).detail()))
                    .sorted((a, b) -> Long.compare(a.id(), b.id())).toList() : List.of();
            report = report.plus(new ReplayReport(page.examined(), page.replayed(),
                    page.examined() - page.replayed(), outcomes));
            after = page.lastId();
        }
        return report;
    }

    /**
     * Judges one entry with the check it failed; acts within the replay's transaction {@code c} when it passes.
     *
     * @return the verdict; {@code null} when the entry's stored reading is unreadable (a bug or a hand edit: left
     *         as it is)
     */
    private Verdict judge(Connection c, QuarantineStore.Entry e, AfterCommit later) throws SQLException {
        if (e.reason() == QuarantineReason.CONTRACT_VIOLATION) {
            return decodeAgain(c, e, later);
        }
        Reading reading;
        try {
            reading = codec.decodeReading(e.payload());
        } catch (ContractViolation v) {
            // Written by this service from a decoded reading: unreadable means a bug or a hand edit.
            return new Verdict.StillQuarantined("the stored reading is unreadable (" + v.reason() + "); not replayed");
        }
        return switch (e.reason()) {
            case UNKNOWN_DEVICE, UNASSIGNED_DEVICE, CONFLICTING_ASSIGNMENTS, UNBOUND_USER, DEVICE_NOT_AT_GATEWAY,
                    TENANT_MISMATCH -> resolveAgain(c, e, reading, later);
            case UNMAPPABLE, FHIR_REJECTED, INFLUX_REJECTED -> back(c, e, reading, later);
            case GATEWAY_MISMATCH, IMPLAUSIBLE_VALUE, IMPLAUSIBLE_TIME, INBOX_REFUSED -> intakeAgain(c, e, reading,
                    later);
            case KEY_CONFLICT -> compareAgain(c, e, reading);
            case CONTRACT_VIOLATION -> throw new IllegalStateException("decoded above");
        };
    }

    /** The resolve stage's checks, asked before the reading goes back to it: a reading they refuse stays. */
    private Verdict resolveAgain(Connection c, QuarantineStore.Entry e, Reading reading, AfterCommit later)
            throws SQLException {
        DeviceLookup lookup = later.lookups.computeIfAbsent(PatientResolver.identifier(reading.device()),
                id -> resolver.lookup(reading.device()));
        Resolution owner = lookup.at(reading.measuredAt(), reading.device().userIndex());
        if (!(owner instanceof Resolution.Assigned)) {
            return new Verdict.StillQuarantined("the device still resolves to no patient at the reading's time ("
                    + owner.getClass().getSimpleName() + ")");
        }
        if (e.reason() == QuarantineReason.DEVICE_NOT_AT_GATEWAY
                && !installations.admits(reading.device().stableId(), Hub.of(e.topic()))) {
            return new Verdict.StillQuarantined("the device is still installed at another hub, or at none");
        }
        if (e.reason() == QuarantineReason.TENANT_MISMATCH && !tenants.admits(Hub.of(e.topic()))) {
            return new Verdict.StillQuarantined("the gateway is still registered under another tenant, or none");
        }
        return back(c, e, reading, later);
    }

    /** Back into the stage that set the reading aside, or into the inbox when its entry was purged. */
    private Verdict back(Connection c, QuarantineStore.Entry e, Reading reading, AfterCommit later)
            throws SQLException {
        String stage = e.stage() != null && pipeline.has(e.stage()) ? e.stage() : pipeline.first();
        if (inbox.requeue(c, reading.key(), stage, clock.instant())) {
            later.woken.add(stage);
            return new Verdict.Replayed("requeued", "back in the inbox: " + stage);
        }
        return intoInbox(c, e.topic(), reading, later);
    }

    /** The consumer's checks, then the inbox, as for a reading arriving now (at the entry's arrival time). */
    private Verdict intakeAgain(Connection c, QuarantineStore.Entry e, Reading reading, AfterCommit later)
            throws SQLException {
        Optional<ReadingChecks.Refusal> refusal = ReadingChecks.refusal(Hub.of(e.topic()).gateway(), reading, e.at());
        if (refusal.isPresent()) {
            if (refusal.get().reason() == e.reason()) {
                return new Verdict.StillQuarantined(refusal.get().detail());
            }
            return setAsideAgain(c, e.topic(), reading, refusal.get().reason(), refusal.get().detail(), later);
        }
        Verdict inboxed = intoInbox(c, e.topic(), reading, later);
        if (!(inboxed instanceof Verdict.StillQuarantined refused) || e.reason() == QuarantineReason.INBOX_REFUSED) {
            return inboxed;
        }
        return setAsideAgain(c, e.topic(), reading, QuarantineReason.INBOX_REFUSED, refused.detail(), later);
    }

    /** Quarantines the reading anew, for another reason than its entry's, within the replay's transaction. */
    private Verdict setAsideAgain(Connection c, String topic, Reading reading, QuarantineReason reason, String detail,
                                  AfterCommit later) throws SQLException {
        store.insertReading(c, topic, reading, reason, detail, null);
        later.quarantined.add(reason);
        return new Verdict.Replayed("requarantined", "set aside again: " + reason);
    }

    /**
     * Takes the reading into the inbox within {@code c}, behind a savepoint: PostgreSQL refusing it as data
     * ({@link SqlFailure#INPUT}) undoes only this reading, which then stays quarantined ({@code INBOX_REFUSED}'s
     * check, met again).
     */
    private Verdict intoInbox(Connection c, String topic, Reading reading, AfterCommit later)
            throws SQLException {
        Savepoint before = c.setSavepoint();
        InboxStore.Added added;
        try {
            added = inbox.add(c, topic, List.of(reading), clock.instant());
        } catch (SQLException e) {
            if (SqlFailure.of(e) != SqlFailure.INPUT) {
                throw e;
            }
            c.rollback(before);
            return new Verdict.StillQuarantined("PostgreSQL refused the reading as data (SQLSTATE "
                    + SqlFailure.sqlState(e) + "): a value or time beyond what the inbox can store");
        }
        c.releaseSavepoint(before);
        if (added.added() == 1) {
            later.woken.add(pipeline.first());
            return new Verdict.Replayed("readded", "taken into the inbox again: " + pipeline.first());
        }
        if (added.conflicts() == 1) {
            // The inbox quarantined it KEY_CONFLICT in this transaction, with the reading the key holds.
            later.quarantined.add(QuarantineReason.KEY_CONFLICT);
            return new Verdict.Replayed("requarantined", "set aside again: " + QuarantineReason.KEY_CONFLICT);
        }
        // A redelivered message quarantined the reading twice, and its other entry put it back already.
        return new Verdict.Replayed("inboxed-already", "in the inbox already");
    }

    /** A whole payload, decoded again by the current codec and handed to its channel's path. */
    private Verdict decodeAgain(Connection c, QuarantineStore.Entry e, AfterCommit later) throws SQLException {
        Topic topic;
        ContractMessage message;
        try {
            topic = Topic.parse(e.topic());
            message = codec.decode(topic, e.payload());
        } catch (ContractViolation v) {
            return new Verdict.StillQuarantined(v.reason() + ": " + v.getMessage());
        }
        // Handed over now, before the entry is marked: a failure leaves it awaiting, and both consumers take a
        // repeat once (the events store by event id; a past presence message is not news).
        if (topic.channel() == Channel.EVENTS) {
            events.handle(e.topic(), e.payload());
            return new Verdict.Replayed("handed-over", "decoded now: handed to the events consumer");
        }
        if (topic.channel() == Channel.STATE || topic.channel() == Channel.STATUS) {
            // Flagged retained: a past state or heartbeat only introduces a gateway not known yet.
            presence.handle(e.topic(), e.payload(), true);
            return new Verdict.Replayed("handed-over", "decoded now: handed to the presence consumer as a past "
                    + "message");
        }
        if (!(message instanceof ReadingBatch batch)) {
            return new Verdict.StillQuarantined("decodes now, but no consumer takes " + topic.channel());
        }
        int taken = 0;
        int setAside = 0;
        for (Reading reading : batch.readings()) {
            Optional<ReadingChecks.Refusal> refusal = ReadingChecks.refusal(topic.gatewayId(), reading, e.at());
            Verdict v = refusal.isPresent() ? setAsideAgain(c, e.topic(), reading, refusal.get().reason(),
                    refusal.get().detail(), later) : intoInbox(c, e.topic(), reading, later);
            if (v instanceof Verdict.StillQuarantined refused) {
                v = setAsideAgain(c, e.topic(), reading, QuarantineReason.INBOX_REFUSED, refused.detail(), later);
            }
            if (v.outcome().equals("requarantined")) {
                setAside++;
            } else {
                taken++;
            }
        }
        return new Verdict.Replayed("decoded", "decoded into " + batch.readings().size() + " readings: " + taken
                + " taken into the inbox (or in it already), " + setAside + " set aside again, each as an entry");
    }

    /** A key conflict judged again against what the key holds now. */
    private Verdict compareAgain(Connection c, QuarantineStore.Entry e, Reading arrived) throws SQLException {
        Optional<Reading> held = inbox.held(c, arrived.key());
        if (held.isEmpty() && e.heldPayload() != null) {
            try {
                held = Optional.of(codec.decodeReading(e.heldPayload()));
            } catch (ContractViolation v) {
                held = Optional.empty();
            }
        }
        if (held.isPresent() && InboxStore.sameMeasurement(held.get(), arrived)) {
            return new Verdict.Replayed("inboxed-already", "the same measurement as the one the key holds: a "
                    + "duplicate");
        }
        return new Verdict.StillQuarantined("the key holds another measurement: a person decides which is genuine "
                + "(POST /admin/quarantine/" + e.id() + "/resolve)");
    }
}
