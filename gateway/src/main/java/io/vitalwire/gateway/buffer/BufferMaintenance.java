package io.vitalwire.gateway.buffer;

import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReadingBuffer#maintain()} every {@code vitalwire.gateway.buffer.maintenance-interval}. On Micronaut's
 * scheduler rather than a thread of its own: the application context starts and stops it, and a fixed delay (not
 * rate) means a slow pass after a big drain is never overlapped by the next one.
 */
@Context
class BufferMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BufferMaintenance.class);

    private final ReadingBuffer buffer;
    private final Duration interval;
    private final TaskScheduler scheduler;
    private ScheduledFuture<?> schedule;

    BufferMaintenance(ReadingBuffer buffer, BufferConfig config,
                      @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
        this.buffer = buffer;
        this.interval = config.getMaintenanceInterval();
        this.scheduler = scheduler;
    }

    @PostConstruct
    void start() {
        schedule = scheduler.scheduleWithFixedDelay(interval, interval, this::runOnce);
    }

    private void runOnce() {
        try {
            MaintenanceResult r = buffer.maintain();
            if (r.purgedReadings() > 0 || r.releasedBytes() > 0) {
                LOG.info("buffer maintenance: {} acknowledged readings deleted, {} bytes given back to the disk",
                        r.purgedReadings(), r.releasedBytes());
            }
        } catch (RuntimeException e) {
            // The next pass tries again; nothing unsent is ever touched by maintenance.
            LOG.warn("buffer maintenance failed: {}", e.getMessage());
        }
    }

    @PreDestroy
    @Override
    public void close() {
        if (schedule != null) {
            schedule.cancel(false);
        }
    }
}
