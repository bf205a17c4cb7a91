package io.vitalwire.ingest.quarantine;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the quarantine's at-rest promises on every replica (safely at once: rows are taken with SKIP LOCKED): seals
 * entries still in plaintext (written before encryption at rest, V16) under the current key, and purges entries
 * older than {@link QuarantineConfig#getRetention()}, each purge audited in {@code quarantine_purge_audit} and
 * counted in {@code vitalwire.ingest.quarantine.purged}. Runs shortly after start-up, then every
 * {@link QuarantineConfig#getPurgeInterval()}.
 */
@Singleton
@Requires(property = "vitalwire.ingest.quarantine.purge-enabled", notEquals = "false")
public class QuarantineRetention {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineRetention.class);

    private final QuarantineStore store;
    private final QuarantineConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;

    public QuarantineRetention(QuarantineStore store, QuarantineConfig config, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** What one run did. */
    public record Report(int sealed, int purged) {
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.quarantine.purge-interval:1h}", initialDelay = "5s")
    void scheduled() {
        try {
            Report report = run();
            if (report.sealed() > 0 || report.purged() > 0) {
                LOG.info("quarantine: {} older entries encrypted at rest, {} purged past their retention of {}",
                        report.sealed(), report.purged(), config.getRetention());
            }
        } catch (RuntimeException e) {
            LOG.warn("quarantine retention sweep failed: {}", e.getMessage());
        }
    }

    /** Seals every plaintext entry, then purges every entry received before now less the retention. */
    public Report run() {
        int sealed = 0;
        for (int n; (n = store.sealPlaintext(config.getBatchSize())) > 0; ) {
            sealed += n;
        }
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.getRetention());
        int purged = 0;
        for (int n; (n = store.purge(cutoff, now, config.getBatchSize())) > 0; ) {
            purged += n;
            metrics.counter("vitalwire.ingest.quarantine.purged").increment(n);
        }
        return new Report(sealed, purged);
    }
}
