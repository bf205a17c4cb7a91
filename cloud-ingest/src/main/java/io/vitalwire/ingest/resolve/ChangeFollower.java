package io.vitalwire.ingest.resolve;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the FHIR server's assignment changes every {@code resolve.change-poll} ({@link AssignmentFeed}), and,
 * with {@code resolve.preload}, reads every device's assignments once the feed has started. {@code /health} →
 * {@code resolver}: {@code DOWN} while a preload reads (a replica is ready once warm), then whether the feed is
 * followed; a feed that cannot be read is not an outage (lookups fall back to the TTL), so it stays {@code UP} with
 * the error in its details.
 */
@Singleton
class ChangeFollower implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);

    private final PatientResolver resolver;
    private final ResolverConfig config;
    private volatile boolean preloading;
    private volatile String lastError;

    ChangeFollower(PatientResolver resolver, ResolverConfig config) {
        this.resolver = resolver;
        this.config = config;
        this.preloading = config.isPreload();
    }

    @EventListener
    void onStartup(StartupEvent event) {
        if (!config.isPreload()) {
            return;
        }
        Thread preload = new Thread(this::preloadOnce, "resolver-preload");
        preload.setDaemon(true);
        preload.start();
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.resolve.change-poll:2s}", initialDelay = "1s")
    void follow() {
        try {
            resolver.followChanges();
            lastError = null;
        } catch (RuntimeException e) {
            // Transient: the next poll asks again from the same point; meanwhile lookups fall back to the TTL.
            if (lastError == null) {
                LOG.warn("assignment changes unreadable, lookups fall back to the cache TTL: {}", e.getMessage());
            }
            lastError = e.getMessage();
        }
    }

    private void preloadOnce() {
        try {
            long started = System.nanoTime();
            while (!resolver.feedStarted()) {
                follow();
                Thread.sleep(500);
            }
            int kept = resolver.preload();
            LOG.info("preloaded {} device lookups in {} ms", kept, (System.nanoTime() - started) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("device lookups not preloaded, they are searched as readings come: {}", e.getMessage());
        } finally {
            preloading = false;
        }
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthStatus status = preloading ? HealthStatus.DOWN : HealthStatus.UP;
        return Publishers.just(HealthResult.builder("resolver", status)
                .details(Map.of("state", preloading ? "preloading" : resolver.feedStarted() ? "following"
                        : "not following", "lastError", lastError == null ? "" : lastError))
                .build());
    }
}
