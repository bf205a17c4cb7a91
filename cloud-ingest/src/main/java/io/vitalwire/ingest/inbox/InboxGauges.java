package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import io.vitalwire.ingest.pipeline.Pipeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What waits in the inbox, per stage, read every {@link InboxConfig#getStatsInterval()} (not on every scrape: a
 * scrape should not query the database). Every replica reports the same shared inbox.
 *
 * <p>Metrics: {@code vitalwire.ingest.inbox.depth{stage}} (entries pending),
 * {@code vitalwire.ingest.inbox.retrying{stage}} (of those, entries that failed at least once),
 * {@code vitalwire.ingest.inbox.oldest.age{stage}} (seconds since the oldest pending entry arrived).
 */
@Singleton
public class InboxGauges {

    private static final Logger LOG = LoggerFactory.getLogger(InboxGauges.class);

    private final InboxStore store;
    private final Clock clock;
    private final AtomicReference<Snapshot> latest = new AtomicReference<>();

    /** The inbox's depth per stage, as read at {@code at}. */
    public record Snapshot(Instant at, Map<String, InboxStore.StageDepth> depth) {

        /** What waits for the stage; nothing when the last count did not see it. */
        public InboxStore.StageDepth of(String stage) {
            return depth.getOrDefault(stage, InboxStore.StageDepth.EMPTY);
        }

        /** Seconds since the oldest entry pending in the stage arrived; 0 when none is pending. */
        public double oldestAgeSeconds(String stage) {
            Instant oldest = of(stage).oldest();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, at).toMillis() / 1000.0);
        }
    }

    public InboxGauges(InboxStore store, Pipeline pipeline, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.clock = clock;
        latest.set(new Snapshot(clock.instant(), new LinkedHashMap<>()));
        for (Pipeline.Step step : pipeline.steps()) {
            String stage = step.name();
            Gauge.builder("vitalwire.ingest.inbox.depth", latest, s -> s.get().of(stage).pending())
                    .description("inbox entries pending in a stage").tag("stage", stage).register(metrics);
            Gauge.builder("vitalwire.ingest.inbox.retrying", latest, s -> s.get().of(stage).retrying())
                    .description("inbox entries pending in a stage after a failed attempt").tag("stage", stage)
                    .register(metrics);
            TimeGauge.builder("vitalwire.ingest.inbox.oldest.age", latest, TimeUnit.SECONDS,
                            s -> s.get().oldestAgeSeconds(stage))
                    .description("age of the oldest inbox entry pending in a stage").tag("stage", stage)
                    .register(metrics);
        }
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.inbox.stats-interval:10s}")
    void refresh() {
        try {
            latest.set(new Snapshot(clock.instant(), store.depth()));
        } catch (RuntimeException e) {
            // The gauges keep their last figures; health shows their time.
            LOG.warn("reading the inbox depth failed: {}", e.getMessage());
        }
    }

    public Snapshot latest() {
        return latest.get();
    }
}
