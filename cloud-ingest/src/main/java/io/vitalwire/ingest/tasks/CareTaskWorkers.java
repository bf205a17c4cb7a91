package io.vitalwire.ingest.tasks;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's Task writers ({@link TasksConfig#getWorkers()} threads): each drains the owed Tasks
 * ({@link CareTaskSync#drain}), then waits for a wake-up ({@link CareTasks#wake}) or the poll interval. Stopped on
 * shutdown; a write cut short by a kill is rolled back with the connection and done again by the next claim.
 */
@Context
@Requires(property = "vitalwire.ingest.tasks.workers-enabled", notEquals = "false")
public class CareTaskWorkers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CareTaskWorkers.class);

    private final CareTaskSync sync;
    private final CareTasks tasks;
    private final TasksConfig config;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    CareTaskWorkers(CareTaskSync sync, CareTasks tasks, TasksConfig config) {
        this.sync = sync;
        this.tasks = tasks;
        this.config = config;
        for (int i = 1; i <= config.getWorkers(); i++) {
            threads.add(new Thread(this::run, "care-tasks-" + i));
        }
        threads.forEach(Thread::start);
    }

    private void run() {
        while (running) {
            int handled = 0;
            try {
                handled = sync.drain();
            } catch (RuntimeException e) {
                // PostgreSQL unreachable, or a bug: the rows stay owed; look again after the poll interval.
                LOG.warn("care task worker: {}", e.getMessage());
            }
            if (handled < config.getBatchSize() && running) {
                try {
                    tasks.awaitWork(config.getPollInterval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @PreDestroy
    @Override
    public void close() throws InterruptedException {
        running = false;
        threads.forEach(t -> tasks.wake());
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
