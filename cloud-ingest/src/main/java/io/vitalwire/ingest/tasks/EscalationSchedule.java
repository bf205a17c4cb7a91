package io.vitalwire.ingest.tasks;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link Escalations} sweep every {@code vitalwire.ingest.tasks.escalation-interval} on this replica. */
@Singleton
@Requires(property = "vitalwire.ingest.tasks.escalation-enabled", notEquals = "false")
public class EscalationSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(EscalationSchedule.class);

    private final Escalations escalations;
    private final Clock clock;

    public EscalationSchedule(Escalations escalations, Clock clock) {
        this.escalations = escalations;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.tasks.escalation-interval:30s}", initialDelay = "10s")
    void sweep() {
        try {
            int escalated = escalations.sweep(clock.instant());
            if (escalated > 0) {
                LOG.info("{} critical alerts escalated: not acknowledged in time", escalated);
            }
        } catch (SQLException | RuntimeException e) {
            // Nothing was escalated by a failed transaction; the next sweep tries again.
            LOG.warn("escalation sweep failed: {}", e.getMessage());
        }
    }
}
