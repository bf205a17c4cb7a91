package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.db.SqlFailure;
import io.vitalwire.ingest.inbox.Arrival;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of readings messages: Paho's callback thread {@link #enqueue}s each message as soon as it is decoded,
 * and one writer thread takes whatever has queued up meanwhile (at most
 * {@link ConsumerConfig#getMaxMessagesPerCommit()}), commits all their readings to the inbox in one transaction, and
 * only then acknowledges each message, in the order they arrived.
 *
 * <p>Why: a commit waits for PostgreSQL's WAL flush, and with one transaction per message that wait — not decoding,
 * not inserting — bounded intake (570–780 readings/s on the 2-core dev machine against 1,002 offered, issue 12). The
 * broker keeps sending while messages wait unacknowledged, so while one commit waits the next messages queue and
 * share the next flush. At low rates a group is one message and nothing waits longer than before.
 *
 * <p>Guarantees: a PUBACK, and the {@link ReceiptSender receipt} a batch asks its gateway to wait for, go out only
 * after the message's readings are durable. When the commit fails (PostgreSQL
 * down, or refusing us: {@link SqlFailure}) the whole group is retried with the shared {@link Backoff},
 * unacknowledged, for as long as the consumer runs, and {@link IntakeHealth} shows it; when PostgreSQL refuses a
 * reading's data, that reading alone is quarantined and the rest committed. On {@link #stop} whatever is queued or being retried stays unacknowledged: the broker delivers it again
 * (clean start off) and the inbox takes each reading key once. The queue is bounded
 * ({@link ConsumerConfig#getQueueCapacity()}): when it is full the callback thread waits, so Paho stops reading from
 * the socket and the broker holds the rest.
 *
 * <p>Metrics: {@code vitalwire.ingest.commit.messages} (distribution summary: readings messages per inbox
 * transaction), {@code vitalwire.ingest.commit.failures{class=transient|input|configuration}}.
 */
final class GroupCommitWriter {

    /** Sends one message's PUBACK; called by the writer thread, in arrival order, after its readings are durable. */
    interface Acknowledger {
        void acknowledge(Delivery delivery);
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(200);
    /** How long a wait on the queue (full, or empty) lasts before checking whether the writer still runs. */
    private static final Duration STOP_CHECK = Duration.ofMillis(200);

    private final ReadingMessages readings;
    private final Acknowledger acknowledger;
    private final ReceiptSender receipts;
    private final BlockingQueue<Delivery> queue;
    private final int maxMessagesPerCommit;
    private final Duration maxRetryDelay;
    private final DistributionSummary messagesPerCommit;
    private final IntakeHealth health;
    private final MeterRegistry metrics;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    GroupCommitWriter(ReadingMessages readings, Acknowledger acknowledger, ReceiptSender receipts,
                      ConsumerConfig config, IntakeHealth health, MeterRegistry metrics) {
        if (config.getQueueCapacity() < 1 || config.getMaxMessagesPerCommit() < 1) {
            throw new IllegalArgumentException("vitalwire.ingest.mqtt.queue-capacity and max-messages-per-commit "
                    + "must be at least 1");
        }
        this.readings = readings;
        this.acknowledger = acknowledger;
        this.receipts = receipts;
        this.queue = new ArrayBlockingQueue<>(config.getQueueCapacity());
        this.maxMessagesPerCommit = config.getMaxMessagesPerCommit();
        this.maxRetryDelay = config.getMaxRetryDelay();
        this.messagesPerCommit = DistributionSummary.builder("vitalwire.ingest.commit.messages")
                .description("readings messages committed to the inbox in one transaction (group commit)")
                .register(metrics);
        this.health = health;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "inbox-group-commit");
        // Like the connect loop: this thread must not keep a failed start-up alive.
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Queues a message for its commit and PUBACK; waits while the queue is full (back-pressure on the broker).
     *
     * @return false when the writer stopped first: the message stays unacknowledged, the broker delivers it again
     */
    boolean enqueue(Delivery delivery) {
        try {
            while (isRunning()) {
                if (queue.offer(delivery, STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * Stops the writer: a wait for work or for a retry ends, a commit under way finishes (and its group is
     * acknowledged); the rest stays unacknowledged.
     *
     * @return whether the thread ended within {@code grace}
     */
    boolean stop(Duration grace) throws InterruptedException {
        stopping.countDown();
        thread.join(grace.toMillis());
        return !thread.isAlive();
    }

    private boolean isRunning() {
        return stopping.getCount() > 0;
    }

    private void run() {
        while (isRunning()) {
            List<Delivery> group = nextGroup();
            if (!group.isEmpty()) {
                if (!makeDurable(group)) {
                    return;
                }
                settle(group);
            }
            // Also on idle turns: receipts the broker's in-flight window held back go as soon as it has room.
            try {
                receipts.flush();
            } catch (RuntimeException e) {
                LOG.error("publishing receipts failed: {}", e.getClass().getName());
            }
        }
    }

    /** A durable group: each message's PUBACK, in arrival order, and the receipts its batches are owed. */
    private void settle(List<Delivery> group) {
        try {
            group.forEach(acknowledger::acknowledge);
            receipts.durable(group);
        } catch (RuntimeException e) {
            // Durable already: an unacknowledged message comes again and the inbox takes each key once, and a batch
            // without its receipt is sent again. This thread must not end, or the queue would fill and intake stop
            // without a trace.
            LOG.error("acknowledging a group of {} messages failed: {}", group.size(), e.getClass().getName());
        }
    }

    /**
     * Waits a little for a message, then takes it and whatever queued behind it, up to the group's bound.
     *
     * @return empty when none came
     */
    private List<Delivery> nextGroup() {
        List<Delivery> group = new ArrayList<>();
        try {
            Delivery first = queue.poll(STOP_CHECK.toMillis(), TimeUnit.MILLISECONDS);
            if (first != null) {
                group.add(first);
                queue.drainTo(group, maxMessagesPerCommit - 1);
            }
        } catch (InterruptedException e) {
            // Nothing interrupts this thread; it ends by stop() only, and its messages must not be left behind.
        }
        return group;
    }

    /**
     * Commits the readings of the group's messages in one transaction, retrying while PostgreSQL fails, and sets
     * aside what PostgreSQL refuses as data ({@link SqlFailure#INPUT}): the group is then committed message by
     * message, a refused message reading by reading, and a reading refused alone is quarantined
     * ({@code INBOX_REFUSED}). Why: one reading PostgreSQL cannot store (a time beyond its range) would otherwise be
     * retried forever, unacknowledged, and hold back every message behind it — on each replica the broker gives it
     * to next.
     *
     * @return whether they are durable (committed or quarantined); false when the writer stopped first
     */
    private boolean makeDurable(List<Delivery> group) {
        List<Arrival> arrivals = group.stream().map(Delivery::readings).flatMap(Optional::stream).toList();
        if (arrivals.isEmpty()) {
            return true;
        }
        Deque<List<Arrival>> work = new ArrayDeque<>();
        work.push(arrivals);
        Backoff retries = new Backoff(FIRST_RETRY_DELAY, maxRetryDelay);
        while (isRunning()) {
            List<Arrival> next = work.peek();
            if (next == null) {
                return true;
            }
            try {
                readings.commit(next);
                messagesPerCommit.record(next.size());
                health.committed();
                work.pop();
                retries = new Backoff(FIRST_RETRY_DELAY, maxRetryDelay);
            } catch (RuntimeException e) {
                SqlFailure failure = SqlFailure.of(e);
                String sqlState = SqlFailure.sqlState(e);
                metrics.counter("vitalwire.ingest.commit.failures", "class", failure.tag()).increment();
                if (failure == SqlFailure.INPUT && setAside(work, sqlState)) {
                    continue;
                }
                health.failed(failure, sqlState);
                Duration delay = retries.next();
                // An input refusal's message may quote the value; its SQLSTATE says enough.
                LOG.warn("{} readings messages could not be made durable ({}, SQLSTATE {}), retrying in {} ms{}",
                        next.size(), failure.tag(), sqlState, delay.toMillis(),
                        failure == SqlFailure.INPUT ? "" : ": " + e);
                pause(delay);
            }
        }
        return false;
    }

    /**
     * Narrows a refused commit down to the reading PostgreSQL refuses: the head of {@code work} is replaced by its
     * messages one by one, a single message by its readings one by one, and a single reading is quarantined.
     *
     * @return false when the quarantine could not be written (PostgreSQL failing): retry as any failure
     */
    private boolean setAside(Deque<List<Arrival>> work, String sqlState) {
        List<Arrival> refused = work.pop();
        if (refused.size() > 1) {
            for (int i = refused.size() - 1; i >= 0; i--) {
                work.push(List.of(refused.get(i)));
            }
            return true;
        }
        Arrival arrival = refused.get(0);
        if (arrival.readings().size() > 1) {
            for (int i = arrival.readings().size() - 1; i >= 0; i--) {
                work.push(List.of(new Arrival(arrival.topic(), List.of(arrival.readings().get(i)))));
            }
            return true;
        }
        try {
            readings.setAside(arrival, sqlState);
            return true;
        } catch (RuntimeException e) {
            work.push(refused);
            return false;
        }
    }

    private void pause(Duration delay) {
        try {
            stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // As in nextGroup: it ends by stop() only.
        }
    }
}
