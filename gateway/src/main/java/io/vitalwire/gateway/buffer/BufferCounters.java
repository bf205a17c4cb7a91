package io.vitalwire.gateway.buffer;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/** Counts what the buffer refused or set aside, for the Prometheus endpoint. Tags carry lanes and reasons only. */
final class BufferCounters {

    private final MeterRegistry registry;
    private final DistributionSummary appendsPerCommit;
    private final DistributionSummary readingsPerCommit;

    BufferCounters(MeterRegistry registry) {
        this.registry = registry;
        this.appendsPerCommit = registry.summary("vitalwire.buffer.commit.appends");
        this.readingsPerCommit = registry.summary("vitalwire.buffer.commit.readings");
    }

    /** Readings refused ({@code vitalwire.buffer.refused{lane, reason="capacity"|"disk-full"}}). */
    void refused(Lane lane, GapReason reason, int readings) {
        registry.counter("vitalwire.buffer.refused", "lane", lane.name().toLowerCase(Locale.ROOT),
                "reason", reason.label()).increment(readings);
    }

    /**
     * A group commit tried again after losing the write lock to the acknowledging connection
     * ({@code vitalwire.buffer.commit.retried}).
     */
    void busyRetry() {
        registry.counter("vitalwire.buffer.commit.retried").increment();
    }

    /**
     * One group commit's size: how many appends ({@code vitalwire.buffer.commit.appends}) and readings
     * ({@code vitalwire.buffer.commit.readings}) it carried — the appends per fsync that group commit is for.
     */
    void groupCommitted(int appends, int readings) {
        appendsPerCommit.record(appends);
        readingsPerCommit.record(readings);
    }

    /** A row set aside as UNREADABLE: {@code undecryptable} (wrong key or altered). */
    void unreadable(String reason) {
        registry.counter("vitalwire.buffer.unreadable", "reason", reason).increment();
    }

    /** Row counts a check found wrong and recounted ({@code vitalwire.buffer.counts.corrected}): a bug's trace. */
    void countsCorrected(int counts) {
        registry.counter("vitalwire.buffer.counts.corrected").increment(counts);
    }
}
