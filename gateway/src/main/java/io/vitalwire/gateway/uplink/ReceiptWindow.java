package io.vitalwire.gateway.uplink;

import io.vitalwire.backoff.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Batches the broker acknowledged, awaiting cloud-ingest's {@code Receipt}: a PUBACK says only that the broker holds
 * the message in memory (Mosquitto saves its state once a minute, and gives a departed replica's share of a shared
 * subscription to nobody), so a row leaves the buffer only when a receipt names its batch. A batch whose receipt does
 * not come within the timeout is handed back to be sent again under a new batch id; cloud-ingest takes each reading
 * key once, so a resend is harmless.
 *
 * <p>The timeout grows with the shared {@link Backoff} while receipts stay away altogether (cloud-ingest down: sending
 * the same readings every minute would only fill the broker's queues) and starts again from its minimum with the
 * next receipt. How many rows may be out at once — awaiting their PUBACK or their receipt — is {@link ReceiptPacing}'s:
 * enough to keep cloud-ingest busy without a queue at the broker, never more than {@code max-awaiting-receipt}, which
 * bounds both the memory held here and what a resend puts on the wire.
 *
 * <p>Not thread-safe except for {@link #receiptArrived}, which the MQTT client's thread calls; the uplink's thread
 * does the rest, so the buffer's transitions all happen on one thread.
 */
final class ReceiptWindow {

    /** One acknowledged batch: its rows, when it was published and when its receipt is due. */
    private record Awaiting(List<Long> rowIds, Instant sentAt, Instant due) {
    }

    private final Map<String, Awaiting> awaiting = new LinkedHashMap<>();
    /** Batch ids a receipt named, and when it arrived: the uplink's thread may settle it a little later. */
    private record Arrived(List<String> batchIds, Instant at) {
    }

    private final Queue<Arrived> receipts = new ConcurrentLinkedQueue<>();
    private final Clock timers;
    private final Runnable onReceipt;
    private final Duration minTimeout;
    private final Backoff timeouts;
    private final ReceiptPacing pacing;
    private Duration timeout;
    private int rows;
    private boolean receiptSinceTimeout = true;

    /**
     * @param minTimeout how long a receipt may take while receipts come
     * @param maxTimeout the longest wait the backoff grows to while none come
     * @param pacing     how many rows may be out at once
     * @param timers     the uplink's monotonic clock, which stamps a batch's publication and its receipt's arrival
     * @param onReceipt  called (on the MQTT client's thread) after a receipt is queued: wakes the uplink
     */
    ReceiptWindow(Duration minTimeout, Duration maxTimeout, ReceiptPacing pacing, Clock timers,
                  Runnable onReceipt) {
        this.timers = timers;
        this.minTimeout = minTimeout;
        this.timeouts = new Backoff(minTimeout, maxTimeout);
        this.timeout = minTimeout;
        this.pacing = pacing;
        this.onReceipt = onReceipt;
    }

    /** Room for more rows to be sent: with {@code inFlight} rows awaiting their PUBACK, fewer are out than paced. */
    boolean hasRoom(int inFlight) {
        return rows + inFlight < pacing.limit();
    }

    int rows() {
        return rows;
    }

    /** The broker acknowledged the batch published at {@code sentAt}: its receipt is due within the current timeout. */
    void acknowledged(String batchId, List<Long> rowIds, Instant sentAt, Instant now) {
        if (awaiting.put(batchId, new Awaiting(List.copyOf(rowIds), sentAt, now.plus(timeout))) == null) {
            rows += rowIds.size();
        }
    }

    /** Any thread: a receipt named these batch ids. */
    void receiptArrived(List<String> batchIds) {
        receipts.add(new Arrived(batchIds, timers.instant()));
        onReceipt.run();
    }

    /**
     * Takes the receipted batches out of the window. A name the window does not hold (a batch already timed out and
     * sent again, or one of before a restart) is ignored: its rows are settled by the receipt of their latest batch.
     * Each receipted batch's delay paces what goes out next.
     *
     * @return the rows of the receipted batches
     */
    List<Long> settleReceipts() {
        List<Long> receipted = new ArrayList<>();
        for (Arrived arrived = receipts.poll(); arrived != null; arrived = receipts.poll()) {
            for (String id : arrived.batchIds()) {
                Awaiting batch = awaiting.remove(id);
                if (batch != null) {
                    receipted.addAll(batch.rowIds());
                    rows -= batch.rowIds().size();
                    pacing.receipted(batch.rowIds().size(), batch.sentAt(), arrived.at());
                }
            }
            receiptSinceTimeout = true;
        }
        if (receiptSinceTimeout && !receipted.isEmpty()) {
            timeouts.reset();
            timeout = minTimeout;
        }
        return receipted;
    }

    /**
     * Takes out the batches whose receipt is overdue, in the order they were acknowledged: checking stops at the first
     * that is not, so a call costs what it finds (a batch acknowledged later with a shorter timeout, after receipts
     * came back, waits for those before it — at most the longest timeout). When no receipt at all came since the last
     * time some were overdue, the timeout for the batches acknowledged from now on grows (see the class comment).
     *
     * @return their rows, to be sent again
     */
    List<Long> overdue(Instant now) {
        List<Long> overdue = new ArrayList<>();
        Iterator<Awaiting> it = awaiting.values().iterator();
        while (it.hasNext()) {
            Awaiting batch = it.next();
            if (batch.due().isAfter(now)) {
                break;
            }
            overdue.addAll(batch.rowIds());
            rows -= batch.rowIds().size();
            it.remove();
        }
        if (!overdue.isEmpty()) {
            pacing.restart();
            if (!receiptSinceTimeout) {
                timeout = timeouts.next();
            }
            receiptSinceTimeout = false;
        }
        return overdue;
    }

    /** When the oldest batch's receipt is due, if any batch awaits one: the uplink wakes no later. */
    Optional<Instant> nextDue() {
        Iterator<Awaiting> it = awaiting.values().iterator();
        return it.hasNext() ? Optional.of(it.next().due()) : Optional.empty();
    }
}
