package io.vitalwire.ingest.replay;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSink;
import io.vitalwire.ingest.inbox.InboxSignals;
import io.vitalwire.ingest.inbox.InboxStore;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineState;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.window.WindowStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A person's decision on a {@code KEY_CONFLICT}: which of two measurements under one key is genuine.
 *
 * <ul>
 *   <li><b>The held one</b> ({@link #keepHeld}): the arrived reading is dismissed; nothing else changes.</li>
 *   <li><b>The arrived one</b> ({@link #takeArrived}): the held reading is superseded. Its Observations are withdrawn
 *       in FHIR — status {@code entered-in-error}, kept so that whoever read them sees they were withdrawn — and its
 *       InfluxDB points deleted; then, in the transaction that closes the entry, the arrived reading takes the
 *       key's place in the inbox, pending in the first stage, and goes the way of every reading: resolved, written
 *       to FHIR (a new Observation: the conditional create passes over withdrawn ones) and to InfluxDB, evaluated.
 *       Why the sinks first: were the inbox changed first, its {@code fhir} stage could find the held Observation
 *       still standing and take it for the arrived one's. Both sink steps can be repeated harmlessly, so a failure
 *       between them and the commit (the entry stays awaiting) is cured by asking again.</li>
 * </ul>
 *
 * Refused (409) while the held reading is still on its way through the pipeline, and for a sample of a continuous
 * stream (its value is one of a window's, whose Observation would have to be computed again without it: not done).
 * Alerts raised on the held reading stay as they were.
 */
@Singleton
public class KeyConflicts {

    private final ContractCodec codec = new ContractCodec();
    private final QuarantineStore store;
    private final QuarantineReplay replay;
    private final InboxStore inbox;
    private final InboxSignals signals;
    private final Pipeline pipeline;
    private final FhirSink fhir;
    private final InfluxSink influx;
    private final WindowStore windows;
    private final Clock clock;

    public KeyConflicts(QuarantineStore store, QuarantineReplay replay, InboxStore inbox, InboxSignals signals,
                        Pipeline pipeline, FhirSink fhir, InfluxSink influx, WindowStore windows, Clock clock) {
        this.store = store;
        this.replay = replay;
        this.inbox = inbox;
        this.signals = signals;
        this.pipeline = pipeline;
        this.fhir = fhir;
        this.influx = influx;
        this.windows = windows;
        this.clock = clock;
    }

    /** The decision does not apply to this entry (not a key conflict, or not now). */
    public static final class NotApplicable extends RuntimeException {
        NotApplicable(String message) {
            super(message);
        }
    }

    /**
     * The held reading is genuine: the arrived one is dismissed (its payload stays until the retention).
     *
     * @return the decision; empty when no such entry awaits replay
     * @throws NotApplicable when the entry is not a key conflict
     */
    public Optional<ReplayReport.EntryOutcome> keepHeld(long id, String note, String actor) {
        return replay.decided(id, store.decide(id, actor, (c, e) -> {
            conflict(e);
            return new QuarantineStore.Decision("KEEP_HELD", "kept-held", QuarantineState.DISMISSED,
                    "the held reading is genuine, decided by " + actor + ": " + note, note);
        }));
    }

    /**
     * The arrived reading is genuine: the held one is superseded (see the class's description).
     *
     * @return the decision; empty when no such entry awaits replay
     * @throws NotApplicable when the entry is not a key conflict, the held reading is still in the pipeline, or
     *                       it is a stream's sample
     */
    public Optional<ReplayReport.EntryOutcome> takeArrived(long id, String note, String actor) {
        Optional<ReplayReport.EntryOutcome> outcome = replay.decided(id, store.decide(id, actor, (c, e) -> {
            Reading arrived = conflict(e);
            Optional<Reading> held = inbox.held(c, arrived.key());
            if (held.isEmpty() && e.heldPayload() != null) {
                held = Optional.of(decode(e.heldPayload()));
            }
            if (windows.trail(arrived.key()).isPresent()) {
                throw new NotApplicable("the held reading is a sample of a stream's window; superseding it is not "
                        + "supported: dismiss or keep it");
            }
            boolean inInbox;
            try {
                // Checked (and locked) before the sinks are touched: the held reading must have settled.
                inInbox = inbox.replace(c, e.topic(), arrived, clock.instant());
            } catch (IllegalStateException pending) {
                throw new NotApplicable(pending.getMessage());
            }
            List<String> withdrawn = fhir.withdraw(arrived.key());
            if (held.isPresent()) {
                influx.delete(held.get());
            }
            if (!inInbox) {
                inbox.add(c, e.topic(), List.of(arrived), clock.instant());
            }
            return new QuarantineStore.Decision("TAKE_ARRIVED", "superseded", QuarantineState.REPLAYED,
                    "the arrived reading is genuine, decided by " + actor + ": the held one superseded ("
                            + (withdrawn.isEmpty() ? "no Observation" : String.join(", ", withdrawn))
                            + " entered-in-error), the arrived one in the inbox: " + pipeline.first(), note);
        }));
        outcome.ifPresent(o -> signals.wake(pipeline.first()));
        return outcome;
    }

    /** The entry's arrived reading; refuses an entry of another reason. */
    private Reading conflict(QuarantineStore.Entry e) {
        if (e.reason() != QuarantineReason.KEY_CONFLICT) {
            throw new NotApplicable("entry " + e.id() + " is " + e.reason() + ", not a KEY_CONFLICT: dismiss or "
                    + "replay it");
        }
        return decode(e.payload());
    }

    private Reading decode(byte[] stored) {
        try {
            return codec.decodeReading(stored);
        } catch (ContractViolation v) {
            throw new NotApplicable("the entry's reading is unreadable (" + v.reason() + ")");
        }
    }
}
