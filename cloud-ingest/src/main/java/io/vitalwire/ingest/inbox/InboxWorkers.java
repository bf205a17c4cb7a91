package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts this replica's inbox workers, the number the {@link Pipeline} declares per stage and
 * {@link InboxConfig#getExpressWorkers()} more per stage for the express {@link Lane}, and stops them on
 * shutdown (a claim in progress is finished; one cut short by a kill is rolled back by PostgreSQL and handled again).
 */
@Context
@Requires(property = "vitalwire.ingest.inbox.workers-enabled", notEquals = "false")
public class InboxWorkers implements AutoCloseable {

    private final List<StageWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    InboxWorkers(Pipeline pipeline, InboxStore store, InboxConfig config, InboxSignals signals, StageHealth health,
                 QuarantineStore quarantine, MeterRegistry metrics, Clock clock) {
        for (Pipeline.Step step : pipeline.steps()) {
            Lane own = config.getExpressWorkers() > 0 ? Lane.OTHERS : Lane.ALL;
            for (int i = 1; i <= step.workers(); i++) {
                start(new StageWorker(pipeline, step, own, store, config, signals, health, quarantine, metrics,
                        clock), "inbox-" + step.name() + "-" + i);
            }
            for (int i = 1; i <= config.getExpressWorkers(); i++) {
                start(new StageWorker(pipeline, step, Lane.EXPRESS, store, config, signals, health, quarantine,
                        metrics, clock), "inbox-" + step.name() + "-express-" + i);
            }
        }
        threads.forEach(Thread::start);
        // Whatever waits from before a restart is found at once, not after the first poll.
        pipeline.steps().forEach(step -> signals.wake(step.name()));
    }

    private void start(StageWorker worker, String name) {
        workers.add(worker);
        threads.add(new Thread(worker, name));
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
