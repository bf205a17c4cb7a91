package io.vitalwire.ingest.window;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link WindowCloser} every {@code vitalwire.ingest.window.close-interval} on this replica. */
@Singleton
@Requires(property = "vitalwire.ingest.window.closer-enabled", notEquals = "false")
public class WindowCloseSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(WindowCloseSchedule.class);

    private final WindowCloser closer;

    public WindowCloseSchedule(WindowCloser closer) {
        this.closer = closer;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.window.close-interval:5s}", initialDelay = "5s")
    void closeDue() {
        try {
            closer.closeDue(Instant.now());
        } catch (RuntimeException e) {
            // PostgreSQL unreachable: the windows wait there (or for it), the next run tries again.
            LOG.warn("closing windows failed: {}", e.getMessage());
        }
    }
}
