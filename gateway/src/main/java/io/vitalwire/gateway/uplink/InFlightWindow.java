package io.vitalwire.gateway.uplink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The uplink's published batches that await their PUBACK, at most {@link #capacity()} at once, each settled on its
 * own. Outcomes are reported from the MQTT client's threads and only queued there; the uplink's thread settles them,
 * so the buffer's transitions all happen on one thread. An outcome for a batch the window no longer holds (it was
 * abandoned when its connection died) is ignored: its rows were already requeued.
 *
 * <p>Not thread-safe except for {@link #acknowledged} and {@link #failed}.
 */
final class InFlightWindow {

    /** One published batch; identity matters, since the same rows may be in flight again after a requeue. */
    static final class Batch {
        private final String batchId;
        private final List<Long> rowIds;
        private final Instant sentAt;

        private Batch(String batchId, List<Long> rowIds, Instant sentAt) {
            this.batchId = batchId;
            this.rowIds = List.copyOf(rowIds);
            this.sentAt = sentAt;
        }

        /** The batch id its message carries, which a receipt names. */
        String batchId() {
            return batchId;
        }

        List<Long> rowIds() {
            return rowIds;
        }

        /** When it was published, on the uplink's monotonic clock. */
        Instant sentAt() {
            return sentAt;
        }
    }

    /**
     * What {@link #settle()} found: batches the broker accepted, rows to send again, and why the first failure failed.
     */
    record Settled(List<Batch> acknowledged, List<Long> failed, Optional<Exception> firstFailure) {

        List<Long> acknowledgedRows() {
            return acknowledged.stream().flatMap(b -> b.rowIds().stream()).toList();
        }
    }

    private record Outcome(Batch batch, Exception failure) {
    }

    private final Set<Batch> inFlight = new LinkedHashSet<>();
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final Runnable onOutcome;
    private int capacity = 1;
    private int rows;

    /** @param onOutcome called (on the reporting thread) after each outcome is queued: wakes the uplink */
    InFlightWindow(Runnable onOutcome) {
        this.onOutcome = onOutcome;
    }

    /** A new connection's window size: at least 1. */
    void resize(int capacity) {
        this.capacity = Math.max(1, capacity);
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return inFlight.size();
    }

    /** Rows of the batches in flight. */
    int rows() {
        return rows;
    }

    boolean hasRoom() {
        return inFlight.size() < capacity;
    }

    Batch add(String batchId, List<Long> rowIds, Instant sentAt) {
        Batch batch = new Batch(batchId, rowIds, sentAt);
        inFlight.add(batch);
        rows += batch.rowIds().size();
        return batch;
    }

    /** Any thread: the broker accepted the batch. */
    void acknowledged(Batch batch) {
        outcomes.add(new Outcome(batch, null));
        onOutcome.run();
    }

    /** Any thread: the batch was refused, or its outcome is unknown. */
    void failed(Batch batch, Exception cause) {
        outcomes.add(new Outcome(batch, cause));
        onOutcome.run();
    }

    /** Takes every reported outcome out of the window. */
    Settled settle() {
        List<Batch> acknowledged = new ArrayList<>();
        List<Long> failed = new ArrayList<>();
        Exception firstFailure = null;
        for (Outcome o = outcomes.poll(); o != null; o = outcomes.poll()) {
            if (!inFlight.remove(o.batch())) {
                continue;
            }
            rows -= o.batch().rowIds().size();
            if (o.failure() == null) {
                acknowledged.add(o.batch());
            } else {
                failed.addAll(o.batch().rowIds());
                firstFailure = firstFailure == null ? o.failure() : firstFailure;
            }
        }
        return new Settled(acknowledged, failed, Optional.ofNullable(firstFailure));
    }

    /** Empties the window, e.g. for a new connection; returns the rows it held, whose outcome is now unknown. */
    List<Long> abandonAll() {
        List<Long> held = new ArrayList<>();
        inFlight.forEach(b -> held.addAll(b.rowIds()));
        inFlight.clear();
        rows = 0;
        return held;
    }

    /** When the longest-waiting batch was sent, if any is in flight. */
    Optional<Instant> oldestSentAt() {
        return inFlight.stream().map(b -> b.sentAt).min(Instant::compareTo);
    }
}
