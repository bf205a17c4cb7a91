package io.vitalwire.ingest.quarantine;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What still awaits replay or a decision, per reason, counted every {@link QuarantineConfig#getStatsInterval()} (not
 * on every scrape). {@code vitalwire.ingest.quarantined{reason}} counts what was set aside; this says what is still
 * there, so an alert can ask for the quarantine to be worked off. Every replica reports the same shared quarantine.
 *
 * <p>Metric: {@code vitalwire.ingest.quarantine.awaiting{reason}}, one gauge per reason (0 when none).
 */
@Singleton
public class QuarantineGauges {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineGauges.class);

    private final QuarantineStore store;
    private final AtomicReference<Map<QuarantineReason, Long>> latest =
            new AtomicReference<>(new EnumMap<>(QuarantineReason.class));

    public QuarantineGauges(QuarantineStore store, MeterRegistry metrics) {
        this.store = store;
        for (QuarantineReason reason : QuarantineReason.values()) {
            Gauge.builder("vitalwire.ingest.quarantine.awaiting", latest, l -> l.get().getOrDefault(reason, 0L))
                    .description("quarantine entries awaiting replay or a decision").tag("reason", reason.name())
                    .register(metrics);
        }
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.quarantine.stats-interval:1m}", initialDelay = "5s")
    public void refresh() {
        try {
            latest.set(store.awaitingByReason());
        } catch (RuntimeException e) {
            // The gauges keep their last figures.
            LOG.warn("counting the quarantine failed: {}", e.getMessage());
        }
    }
}
