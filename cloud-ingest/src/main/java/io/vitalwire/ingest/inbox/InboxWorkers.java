package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts this replica's inbox workers, {@link InboxConfig}'s number per stage, and stops them on shutdown (a claim
 * in progress is finished; one cut short by a kill is rolled back by PostgreSQL and handled again).
 */
@Context
@Requires(property = "vitalwire.ingest.inbox.workers-enabled", notEquals = "false")
public class InboxWorkers implements AutoCloseable {

    private final List<StageWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    InboxWorkers(List<StageHandler> handlers, InboxStore store, InboxConfig config, InboxSignals signals,
                 StageHealth health, QuarantineStore quarantine, MeterRegistry metrics) {
        for (StageHandler handler : handlers) {
            int count = switch (handler.stage()) {
                case RESOLVE -> config.getResolveWorkers();
                case FHIR -> config.getFhirWorkers();
                case INFLUX -> config.getInfluxWorkers();
            };
            for (int i = 1; i <= count; i++) {
                StageWorker worker = new StageWorker(handler, store, config, signals, health, quarantine, metrics);
                Thread thread = new Thread(worker, "inbox-" + handler.stage().tag() + "-" + i);
                workers.add(worker);
                threads.add(thread);
            }
        }
        threads.forEach(Thread::start);
        // Whatever waits from before a restart is found at once, not after the first poll.
        for (InboxStage stage : InboxStage.values()) {
            signals.wake(stage);
        }
    }

    @PreDestroy
    @Override
    public void close() throws InterruptedException {
        workers.forEach(StageWorker::stop);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }
}
