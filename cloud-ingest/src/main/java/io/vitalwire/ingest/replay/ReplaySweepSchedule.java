package io.vitalwire.ingest.replay;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the quarantine sweep every {@code vitalwire.ingest.replay.sweep-interval} on this replica. */
@Singleton
@Requires(property = "vitalwire.ingest.replay.sweep-enabled", notEquals = "false")
public class ReplaySweepSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ReplaySweepSchedule.class);

    private final QuarantineReplay replay;

    public ReplaySweepSchedule(QuarantineReplay replay) {
        this.replay = replay;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.replay.sweep-interval:5m}", initialDelay = "30s")
    void sweep() {
        try {
            ReplayReport report = replay.sweep();
            if (report.replayed() > 0) {
                LOG.info("quarantine sweep replayed {} of {} held-back readings", report.replayed(),
                        report.examined());
            }
        } catch (RuntimeException e) {
            // FHIR or PostgreSQL unavailable: nothing was marked, the next sweep tries again.
            LOG.warn("quarantine sweep failed: {}", e.getMessage());
        }
    }
}
