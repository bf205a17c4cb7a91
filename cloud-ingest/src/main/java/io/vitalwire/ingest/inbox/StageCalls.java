package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every stage does around its service calls: times them, keeps {@link StageHealth}, counts failures by cause,
 * and sends failed entries into backoff ({@link InboxConfig#getRetryDelay()} doubled per failure of the entry, at most
 * {@link InboxConfig#getMaxRetryDelay()}).
 *
 * <p>Metrics: {@code vitalwire.ingest.sink.write{stage, outcome=ok|failed}} (latency of each call),
 * {@code vitalwire.ingest.sink.failures{stage, cause=unreachable|server-error|rejected|error}} (failed calls; for
 * {@code rejected}, readings refused for good).
 */
@Singleton
class StageCalls {

    private static final Logger LOG = LoggerFactory.getLogger(StageCalls.class);

    private final MeterRegistry metrics;
    private final StageHealth health;
    private final InboxConfig config;

    StageCalls(MeterRegistry metrics, StageHealth health, InboxConfig config) {
        this.metrics = metrics;
        this.health = health;
        this.config = config;
    }

    /** Runs one call to the stage's service; a success marks the stage working. */
    <T> T call(InboxStage stage, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            timer(stage, "ok").record(Duration.ofNanos(System.nanoTime() - start));
            health.succeeded(stage, Instant.now());
            return result;
        } catch (RuntimeException e) {
            timer(stage, "failed").record(Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
    }

    /** The call for {@code entries} failed: they wait in the inbox and are tried again after their backoff. */
    void failed(InboxClaim claim, List<InboxEntry> entries, RuntimeException failure) {
        InboxStage stage = claim.stage();
        FailureCause cause = FailureCause.of(failure);
        Instant now = Instant.now();
        String error = cause.tag() + ": " + failure.getMessage();
        health.failed(stage, cause, error, now);
        metrics.counter("vitalwire.ingest.sink.failures", "stage", stage.tag(), "cause", cause.tag()).increment();
        Duration longest = Duration.ZERO;
        for (InboxEntry e : entries) {
            Duration delay = backoff(e.attempts());
            claim.retry(e, error, now.plus(delay));
            longest = delay.compareTo(longest) > 0 ? delay : longest;
        }
        // Ids and counts only: the message names the service, never a reading's values.
        LOG.warn("{} failed for {} readings ({}), retrying within {}: {}", stage.tag(), entries.size(),
                cause.tag(), longest, failure.getMessage());
        if (cause == FailureCause.ERROR) {
            LOG.debug("{} failure", stage.tag(), failure);
        }
    }

    /** Readings the stage's service refused for good (they are quarantined). */
    void rejected(InboxStage stage, int readings) {
        if (readings > 0) {
            metrics.counter("vitalwire.ingest.sink.failures", "stage", stage.tag(), "cause",
                    FailureCause.REJECTED.tag()).increment(readings);
        }
    }

    private Duration backoff(int attempts) {
        Duration delay = config.getRetryDelay().multipliedBy(1L << Math.min(attempts, 20));
        return delay.compareTo(config.getMaxRetryDelay()) > 0 ? config.getMaxRetryDelay() : delay;
    }

    private Timer timer(InboxStage stage, String outcome) {
        return Timer.builder("vitalwire.ingest.sink.write")
                .description("one call of an inbox stage to its service")
                .tags("stage", stage.tag(), "outcome", outcome)
                .register(metrics);
    }
}
