package io.vitalwire.ingest.operations;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link GatewayOfflineAlerts} sweep every {@code vitalwire.ingest.operations.sweep-interval} here. */
@Singleton
@Requires(property = "vitalwire.ingest.operations.sweep-enabled", notEquals = "false")
public class OfflineSweepSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineSweepSchedule.class);

    private final GatewayOfflineAlerts offline;
    private final Clock clock;

    public OfflineSweepSchedule(GatewayOfflineAlerts offline, Clock clock) {
        this.offline = offline;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.operations.sweep-interval:1m}", initialDelay = "10s")
    void sweep() {
        try {
            int raised = offline.sweep(clock.instant());
            if (raised > 0) {
                LOG.info("{} gateways offline or silent for too long: alerted", raised);
            }
        } catch (SQLException | RuntimeException e) {
            // A failed transaction raised nothing and marked nothing: the next sweep tries again.
            LOG.warn("gateway offline sweep failed: {}", e.getMessage());
        }
    }
}
