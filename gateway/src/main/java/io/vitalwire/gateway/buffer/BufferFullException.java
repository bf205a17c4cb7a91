package io.vitalwire.gateway.buffer;

/**
 * The buffer refused an append because it is at capacity for the append's lane (see {@link Lane#refusedFrom()}), or
 * because its disk is full ({@link GapReason}). Nothing was stored; the refusal was counted and recorded as a
 * {@link Gap} (on a full disk, as soon as a commit succeeds again). Like any {@link BufferException} the
 * source must not acknowledge: a CoAP device gets 5.03 and retries, a BLE stored record stays on the device.
 */
public final class BufferFullException extends BufferException {

    private final Lane lane;
    private final GapReason reason;

    private BufferFullException(Lane lane, GapReason reason, String message) {
        super(message);
        this.lane = lane;
        this.reason = reason;
    }

    static BufferFullException atCapacity(Lane lane, long usedBytes, long maxBytes) {
        return new BufferFullException(lane, GapReason.CAPACITY, String.format(
                "buffer at capacity for %s readings: %d of %d bytes used (%s refused from %.0f %%)",
                lane, usedBytes, maxBytes, lane, lane.refusedFrom() * 100));
    }

    static BufferFullException diskFull(Lane lane) {
        return new BufferFullException(lane, GapReason.DISK_FULL, "disk full: no room to commit " + lane
                + " readings");
    }

    public Lane lane() {
        return lane;
    }

    public GapReason reason() {
        return reason;
    }
}
