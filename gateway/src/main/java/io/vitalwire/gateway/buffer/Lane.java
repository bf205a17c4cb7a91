package io.vitalwire.gateway.buffer;

import java.util.Arrays;

/**
 * Priority lanes of the buffer, highest first. The lane decides two things: in which order a backlog drains (lane by
 * lane, after whatever arrived since the link came back), and how early a filling buffer starts refusing the lane
 * ({@link #refusedFrom()}), so that space runs out for routine data long before it runs out for a live reading.
 *
 * <p>There is no LOG lane: nothing in the gateway buffers diagnostics today (logs go to the journal). One would sit
 * below {@link #ROUTINE} and be refused first; add it when something actually writes logs into the buffer.
 */
public enum Lane {

    /**
     * Gateway and device lifecycle. Gap records (what the buffer refused at capacity) are lifecycle data: they live in
     * their own small table, are written even when the buffer is full, and are reported before any reading. No source
     * appends lifecycle readings yet; the lane keeps the headroom above {@link #CRITICAL}'s limit for when one does.
     */
    LIFECYCLE(0, 1.00),
    /** "May be critical": a live value a patient just took (CoAP packs, BLE notifications and indications). */
    CRITICAL(1, 0.98),
    /**
     * Stored and historical records fetched from a device's memory (BLE RACP glucose and pulse-oximeter records).
     * Refused first: a refused record stays on the device and is fetched again later.
     */
    ROUTINE(2, 0.90);

    private final int rank;
    private final double refusedFrom;

    Lane(int rank, double refusedFrom) {
        this.rank = rank;
        this.refusedFrom = refusedFrom;
    }

    /**
     * The stored value: an explicit number rather than the ordinal, so that adding a lane never renumbers stored rows,
     * and a number rather than the name because the claim index sorts by it.
     */
    int rank() {
        return rank;
    }

    /** The share of the configured maximum size at and above which appends to this lane are refused. */
    public double refusedFrom() {
        return refusedFrom;
    }

    /** Whether a buffer using {@code usedBytes} of {@code maxBytes} refuses this lane. */
    boolean refusedAt(long usedBytes, long maxBytes) {
        return usedBytes >= refusedFrom * maxBytes;
    }

    static Lane ofRank(int rank) {
        return Arrays.stream(values()).filter(l -> l.rank == rank).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown lane rank " + rank + " in the buffer"));
    }
}
