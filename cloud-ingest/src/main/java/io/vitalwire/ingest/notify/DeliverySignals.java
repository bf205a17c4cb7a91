package io.vitalwire.ingest.notify;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * In-process wake-ups of this replica's delivery workers: an alert committed here ({@link Notifier#wake()}) is sent
 * at once instead of at the next poll. Other replicas' alerts, and retries coming due, are found by the poll
 * ({@link NotifyConfig#getPollInterval()}), as for the inbox's workers.
 */
@Singleton
class DeliverySignals {

    /** One permit per wake-up, up to one per worker: a wake-up while every worker is busy is not lost. */
    private final Semaphore permits = new Semaphore(0);
    private final int workers;

    DeliverySignals(NotifyConfig config) {
        this.workers = Math.max(1, config.getWorkers());
    }

    /** Tells the workers there is work: every one of them that waits looks. */
    void wake() {
        int missing = workers - permits.availablePermits();
        if (missing > 0) {
            permits.release(missing);
        }
    }

    /** Waits for a wake-up, at most {@code timeout}. */
    void await(Duration timeout) throws InterruptedException {
        permits.tryAcquire(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }
}
