package io.vitalwire.gateway.buffer;

/**
 * The buffer refused an append because it is at capacity for the append's lane (see {@link Lane#refusedFrom()}).
 * Nothing was stored; the refusal was counted and recorded as a {@link Gap}. Like any {@link BufferException} the
 * source must not acknowledge: a CoAP device gets 5.03 and retries, a BLE stored record stays on the device.
 */
public final class BufferFullException extends BufferException {

    private final Lane lane;

    BufferFullException(Lane lane, long usedBytes, long maxBytes) {
        super(String.format("buffer at capacity for %s readings: %d of %d bytes used (%s refused from %.0f %%)",
                lane, usedBytes, maxBytes, lane, lane.refusedFrom() * 100));
        this.lane = lane;
    }

    public Lane lane() {
        return lane;
    }
}
