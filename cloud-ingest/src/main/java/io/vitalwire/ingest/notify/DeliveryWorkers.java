package io.vitalwire.ingest.notify;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts this replica's delivery workers ({@link NotifyConfig#getWorkers()}) and stops them on shutdown: a send in
 * progress is finished and recorded; one cut short by a kill is rolled back by PostgreSQL and sent again later.
 */
@Context
@Requires(property = "vitalwire.ingest.notify.workers-enabled", notEquals = "false")
public class DeliveryWorkers implements AutoCloseable {

    private final List<DeliveryWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long joinMillis;

    DeliveryWorkers(NotifyConfig config, DeliveryStore store, SecretBox box, WebhookSender sender,
                    DeliverySignals signals, DeliveryMetrics metrics, Clock clock) {
        RetrySchedule schedule = new RetrySchedule(config.getRetryDelays(), config.getRetryJitter(),
                () -> ThreadLocalRandom.current().nextDouble());
        this.joinMillis = config.getTimeout().toMillis() + 5_000;
        for (int i = 1; i <= config.getWorkers(); i++) {
            DeliveryWorker worker = new DeliveryWorker(store, box, sender, schedule, signals, metrics,
                    config.getPollInterval(), clock);
            workers.add(worker);
            threads.add(new Thread(worker, "webhooks-" + i));
        }
        threads.forEach(Thread::start);
        // Whatever waits from before a restart is sent at once, not after the first poll.
        signals.wake();
    }

    @PreDestroy
    @Override
    public void close() throws InterruptedException {
        workers.forEach(DeliveryWorker::stop);
        for (Thread thread : threads) {
            thread.join(joinMillis);
        }
    }
}
