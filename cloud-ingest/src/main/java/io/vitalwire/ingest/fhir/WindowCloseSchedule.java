package io.vitalwire.ingest.fhir;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link WindowCloser} every {@code vitalwire.ingest.window.close-interval} on this replica. */
@Singleton
@Requires(property = "vitalwire.ingest.window.closer-enabled", notEquals = "false")
public class WindowCloseSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(WindowCloseSchedule.class);

    private final WindowCloser closer;
    private final Clock clock;

    public WindowCloseSchedule(WindowCloser closer, Clock clock) {
        this.closer = closer;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.window.close-interval:5s}", initialDelay = "5s")
    void closeDue() {
        try {
            closer.closeDue(clock.instant());
        } catch (RuntimeException e) {
            // PostgreSQL unreachable: the windows wait there (or for it), the next run tries again.
            LOG.warn("closing windows failed: {}", e.getMessage());
        }
    }
}
