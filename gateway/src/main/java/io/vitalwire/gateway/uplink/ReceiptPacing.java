package io.vitalwire.gateway.uplink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How many readings the uplink may have out at once — published and awaiting their PUBACK or their receipt: enough
 * to keep cloud-ingest busy and no more, so that a live reading does not queue behind a backlog.
 *
 * <p>Why: a gateway's batches reach cloud-ingest through one queue at the broker (cloud-ingest's session of the shared
 * subscription), and a receipt comes only once cloud-ingest has taken the batch in. Whatever the gateway has out
 * beyond what cloud-ingest takes in during one round trip waits in that queue, ahead of every reading sent after it:
 * this hub's live readings (live-first claims overtake the backlog in the buffer, not at the broker) and every other
 * hub's. With a fixed 50,000 readings out, a hub draining a backlog held its own live readings about a second behind
 * it (drain benchmark: p50 0.65 s, p99 1.9 s; BENCHMARKS.md), and in a fleet it would hold everybody's.
 *
 * <p>How: delay-based, the idea of LEDBAT (RFC 6817) and TCP Vegas. A batch's receipt delay (publish → receipt) less
 * the smallest delay seen over the last minute ({@link BaseDelay}) is the time it queued. Queued no longer than the
 * target, the limit grows: while {@link Phase#STARTING}, by what was receipted (it doubles each round trip); once
 * {@link Phase#STEADY}, by one batch a round trip. Queued longer, it is cut to {@link #CUT} of itself, at most once a
 * round trip (a batch sent before the last cut says nothing about the cut limit). Receipts overdue (cloud-ingest
 * away) start it again from one batch. It stays between one batch and {@code max-awaiting-receipt}.
 *
 * <p>Bound: the base forgets after a minute, so a queue that never empties is taken into it; with cuts to 0.7 the
 * base settles at most 7/3 of the target above the true round trip, so a reading queues at most about 3.3 targets
 * (0.33 s at the default 100 ms) behind a draining hub.
 *
 * <p>Not thread-safe except for {@link #limit()}: the uplink's thread does the rest.
 */
final class ReceiptPacing {

    /** The two ways the limit grows; cuts and restarts move between them. */
    enum Phase {
        /** Since the start or a restart: grows by what is receipted, until the first queue is seen. */
        STARTING,
        /** After a cut: grows by one batch a round trip. */
        STEADY
    }

    /** What a cut leaves of the limit: CUBIC's factor, gentler than halving on a slow round trip. */
    static final double CUT = 0.7;

    private final int batchSize;
    private final int ceiling;
    private final Duration target;
    private final BaseDelay base = new BaseDelay();
    private Phase phase = Phase.STARTING;
    private volatile double limit;
    private Instant lastCut = Instant.MIN;

    /**
     * @param batchSize readings per batch: the least the limit lets out, and its step once steady
     * @param ceiling   the most it lets out ({@code max-awaiting-receipt})
     * @param target    how long a batch may queue before the limit is cut
     */
    ReceiptPacing(int batchSize, int ceiling, Duration target) {
        this.batchSize = Math.max(1, batchSize);
        this.ceiling = Math.max(this.batchSize, ceiling);
        this.target = target;
        this.limit = this.batchSize;
    }

    /** Readings that may be out at once now. */
    int limit() {
        return (int) limit;
    }

    Phase phase() {
        return phase;
    }

    /** A receipt named a batch of {@code rows} readings published at {@code sentAt}. */
    void receipted(int rows, Instant sentAt, Instant now) {
        Duration delay = Duration.between(sentAt, now);
        base.add(delay, now);
        Duration queued = delay.minus(base.minimum());
        if (queued.compareTo(target) <= 0) {
            grow(rows);
        } else if (sentAt.isAfter(lastCut)) {
            cut(now);
        }
    }

    /** Receipts are overdue: whatever the round trip was, it is not now. Start again from one batch. */
    void restart() {
        phase = Phase.STARTING;
        limit = batchSize;
        lastCut = Instant.MIN;
    }

    private void grow(int rows) {
        double step = switch (phase) {
            case STARTING -> rows;
            case STEADY -> (double) rows * batchSize / limit;
        };
        limit = Math.min(ceiling, limit + step);
    }

    private void cut(Instant now) {
        phase = Phase.STEADY;
        limit = Math.max(batchSize, limit * CUT);
        lastCut = now;
    }

    /**
     * The smallest receipt delay over the last minute, in buckets of ten seconds: a round trip with no queue in it.
     * It forgets because the round trip itself changes (cloud-ingest's commits slow under load); a minimum kept for
     * ever would then cut the limit to one batch for good.
     */
    static final class BaseDelay {

        private static final Duration BUCKET = Duration.ofSeconds(10);
        private static final int BUCKETS = 6;

        private record Bucket(Instant start, Duration minimum) {
        }

        private final Deque<Bucket> buckets = new ArrayDeque<>();

        void add(Duration delay, Instant now) {
            Bucket last = buckets.peekLast();
            if (last == null || !now.isBefore(last.start().plus(BUCKET))) {
                buckets.addLast(new Bucket(now, delay));
                Instant forgotten = now.minus(BUCKET.multipliedBy(BUCKETS));
                while (!buckets.peekFirst().start().isAfter(forgotten)) {
                    buckets.removeFirst();
                }
            } else if (delay.compareTo(last.minimum()) < 0) {
                buckets.removeLast();
                buckets.addLast(new Bucket(last.start(), delay));
            }
        }

        /** Zero before the first delay is added. */
        Duration minimum() {
            return buckets.stream().map(Bucket::minimum).min(Duration::compareTo).orElse(Duration.ZERO);
        }
    }
}
