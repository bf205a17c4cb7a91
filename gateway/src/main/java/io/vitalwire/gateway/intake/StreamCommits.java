package io.vitalwire.gateway.intake;

import io.vitalwire.contract.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream samples normalized and waiting for their group's commit (see {@link IntakeConfig#getStreamCommitInterval()}).
 * The first sample of a group starts the interval; everything that arrives before it ends goes with it, in arrival
 * order. Closing commits what waits at once, and whatever comes after it on its own.
 */
final class StreamCommits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamCommits.class);

    /** One delivery's normalized readings. */
    record Queued(Delivery delivery, List<Reading> readings) {
    }

    private final Duration interval;
    private final Consumer<List<Queued>> commit;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stream-commits");
        t.setDaemon(true);
        return t;
    });
    /** Guarded by {@code this}. */
    private List<Queued> waiting = new ArrayList<>();
    /** Guarded by {@code this}. */
    private boolean closed;

    /** @param commit appends a group to the buffer; handles (counts, logs) its own failures */
    StreamCommits(Duration interval, Consumer<List<Queued>> commit) {
        this.interval = interval;
        this.commit = commit;
    }

    void add(Queued queued) {
        boolean late;
        boolean first;
        synchronized (this) {
            late = closed;
            first = !late && waiting.isEmpty();
            if (!late) {
                waiting.add(queued);
            }
        }
        if (late) {
            commit.accept(List.of(queued));
        } else if (first) {
            try {
                timer.schedule(this::commitWaiting, interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // close() came in between: it commits what waits, this delivery with it
            }
        }
    }

    /** Samples waiting for their commit. */
    synchronized int waiting() {
        return waiting.stream().mapToInt(q -> q.readings().size()).sum();
    }

    private void commitWaiting() {
        List<Queued> group;
        synchronized (this) {
            group = waiting;
            waiting = new ArrayList<>();
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            commit.accept(group);
        } catch (RuntimeException e) {
            // The commit handles the buffer's failures; anything else is a bug, and must not stop later groups.
            LOG.error("committing {} stream deliveries failed", group.size(), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.shutdownNow();
        commitWaiting();
    }
}
