package io.vitalwire.gateway.buffer;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/** Counts what the buffer refused or set aside, for the Prometheus endpoint. Tags carry lanes and reasons only. */
final class BufferCounters {

    private final MeterRegistry registry;

    BufferCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Readings refused at capacity ({@code vitalwire.buffer.refused{lane, reason="capacity"}}). */
    void refusedAtCapacity(Lane lane, int readings) {
        registry.counter("vitalwire.buffer.refused", "lane", lane.name().toLowerCase(Locale.ROOT),
                "reason", "capacity").increment(readings);
    }

    /** A row set aside as UNREADABLE: {@code undecryptable} (wrong key or altered). */
    void unreadable(String reason) {
        registry.counter("vitalwire.buffer.unreadable", "reason", reason).increment();
    }
}
