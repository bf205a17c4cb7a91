package io.vitalwire.ingest.inbox;

import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes inbox entries every stage finished more than {@link InboxConfig#getRetention()} ago, every
 * {@link InboxConfig#getPurgeInterval()} on each replica (a purge that finds nothing costs one index scan).
 */
@Singleton
public class InboxPurgeSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(InboxPurgeSchedule.class);

    private final InboxStore store;
    private final InboxConfig config;
    private final Clock clock;

    public InboxPurgeSchedule(InboxStore store, InboxConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.inbox.purge-interval:10m}", initialDelay = "1m")
    void purge() {
        try {
            int purged = store.purge(clock.instant().minus(config.getRetention()));
            if (purged > 0) {
                LOG.info("purged {} inbox entries past their retention", purged);
            }
        } catch (RuntimeException e) {
            LOG.warn("inbox purge failed: {}", e.getMessage());
        }
    }
}
