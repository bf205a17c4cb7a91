package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Reading;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;

/**
 * The durable inbox: a message's readings are committed here, in PostgreSQL, before the message is acknowledged;
 * then workers on every replica take each reading through {@link InboxStage#RESOLVE} and, independently of each
 * other, {@link InboxStage#FHIR} and {@link InboxStage#INFLUX}, retrying with backoff while a service is down. So
 * the broker's in-flight window never waits for FHIR or InfluxDB, a restart loses nothing acknowledged, and one
 * reading key is one entry however often it is delivered.
 *
 * <p>Metric: {@code vitalwire.ingest.inbox.accepted{outcome=new|duplicate}} (readings).
 */
@Singleton
public class Inbox {

    private final InboxStore store;
    private final InboxSignals signals;
    private final MeterRegistry metrics;

    public Inbox(InboxStore store, InboxSignals signals, MeterRegistry metrics) {
        this.store = store;
        this.signals = signals;
        this.metrics = metrics;
    }

    /**
     * Commits the readings that arrived together on {@code topic}; returns only once they are durable, and wakes
     * the workers.
     */
    public InboxStore.Added accept(String topic, List<Reading> readings) {
        InboxStore.Added added = store.add(topic, readings, Instant.now());
        metrics.counter("vitalwire.ingest.inbox.accepted", "outcome", "new").increment(added.added());
        metrics.counter("vitalwire.ingest.inbox.accepted", "outcome", "duplicate").increment(added.duplicates());
        if (added.added() > 0) {
            signals.wake(InboxStage.RESOLVE);
        }
        return added;
    }
}
