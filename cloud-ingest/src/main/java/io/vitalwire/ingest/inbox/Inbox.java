package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Pipeline;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;

/**
 * The durable inbox, the engine of the ingest pipeline: a message's readings are committed here, in PostgreSQL,
 * before the message is acknowledged; then workers on every replica take each reading through the stages of the
 * {@link Pipeline}, each stage with its own state per reading, retrying with the shared backoff while its service is
 * down. So the broker's in-flight window never waits for FHIR or InfluxDB, a restart loses nothing acknowledged, and
 * one reading key is one entry however often it is delivered.
 *
 * <p>Metric: {@code vitalwire.ingest.inbox.accepted{outcome=new|duplicate|conflict}} (readings).
 */
@Singleton
public class Inbox {

    private final InboxStore store;
    private final InboxSignals signals;
    private final Pipeline pipeline;
    private final MeterRegistry metrics;
    private final Clock clock;

    public Inbox(InboxStore store, InboxSignals signals, Pipeline pipeline, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Commits the readings of several messages in one transaction; returns only once they are all durable, and
     * wakes the first stage's workers. One commit instead of one per message: each commit waits for its WAL flush,
     * and that wait, not the inserts, is what limits the MQTT consumer's intake.
     */
    public InboxStore.Added accept(List<Arrival> arrivals) {
        InboxStore.Added added = store.add(arrivals, clock.instant());
        metrics.counter("vitalwire.ingest.inbox.accepted", "outcome", "new").increment(added.added());
        metrics.counter("vitalwire.ingest.inbox.accepted", "outcome", "duplicate").increment(added.duplicates());
        metrics.counter("vitalwire.ingest.inbox.accepted", "outcome", "conflict").increment(added.conflicts());
        if (added.added() > 0) {
            signals.wake(pipeline.first());
        }
        return added;
    }
}
