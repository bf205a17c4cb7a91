package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.window.StreamWindow;
import io.vitalwire.ingest.window.WindowClaim;
import io.vitalwire.ingest.window.WindowConfig;
import io.vitalwire.ingest.window.WindowStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes windows that are due — ended plus the grace, or revised by a late sample — each as one Observation with a
 * conditional update on the window's identifier: idempotent across retries and replicas, and a revision replaces
 * the window's Observation instead of adding one. A failed write leaves the window pending, tried again after the
 * shared jittered backoff (from {@link WindowConfig#getRetryDelay()}, its ceiling doubled per failure, at most
 * {@link WindowConfig#getMaxRetryDelay()}); nothing is lost while FHIR is down, the samples are in PostgreSQL.
 *
 * <p>Metrics: {@code vitalwire.ingest.windows.written{outcome=created|revised}},
 * {@code vitalwire.ingest.windows.write.failures{cause=unreachable|rejected|error}}, and the gauge
 * {@code vitalwire.ingest.windows.pending} (windows holding samples FHIR does not have yet, open ones included).
 */
@Singleton
public class WindowCloser {

    private static final Logger LOG = LoggerFactory.getLogger(WindowCloser.class);

    private final WindowStore store;
    private final WindowObservationMapper mapper;
    private final FhirSink fhir;
    private final WindowConfig config;
    private final MeterRegistry metrics;
    private final AtomicLong pending = new AtomicLong();
    private final Backoff backoff;

    public WindowCloser(WindowStore store, WindowObservationMapper mapper, FhirSink fhir, WindowConfig config,
                        MeterRegistry metrics) {
        this.store = store;
        this.mapper = mapper;
        this.fhir = fhir;
        this.config = config;
        this.metrics = metrics;
        this.backoff = new Backoff(config.getRetryDelay(), config.getMaxRetryDelay());
        Gauge.builder("vitalwire.ingest.windows.pending", pending, AtomicLong::get)
                .description("windows holding samples that FHIR does not have yet")
                .register(metrics);
    }

    /**
     * Writes the windows due at {@code now}, at most {@link WindowConfig#getBatchSize()}; stops early when the FHIR
     * server is unreachable, since the other windows would only wait for the same timeout.
     *
     * @return how many windows were written
     */
    public int closeDue(Instant now) {
        int written = 0;
        for (long id : store.due(now, config.getBatchSize())) {
            Optional<WindowClaim> taken = store.claim(id, now);
            if (taken.isEmpty()) {
                continue;
            }
            Attempt attempt;
            try (WindowClaim claim = taken.get()) {
                attempt = write(claim, now);
            }
            if (attempt == Attempt.WRITTEN) {
                written++;
            } else if (attempt == Attempt.UNREACHABLE) {
                break;
            }
        }
        pending.set(store.pendingCount());
        return written;
    }

    private enum Attempt { WRITTEN, FAILED, UNREACHABLE }

    private Attempt write(WindowClaim claim, Instant now) {
        StreamWindow window = claim.window();
        Observation observation = mapper.map(window, claim.samples());
        try {
            FhirSink.Upserted u = fhir.upsert(observation, FhirSystems.READING_WINDOW, window.identifier());
            claim.written(u.observation(), now);
            metrics.counter("vitalwire.ingest.windows.written", "outcome", u.created() ? "created" : "revised")
                    .increment();
            return Attempt.WRITTEN;
        } catch (FhirRejectedException e) {
            fail(claim, now, "rejected", e.getMessage());
        } catch (FhirClientConnectionException e) {
            fail(claim, now, "unreachable", e.getMessage());
            return Attempt.UNREACHABLE;
        } catch (RuntimeException e) {
            fail(claim, now, "error", e.toString());
        }
        return Attempt.FAILED;
    }

    private void fail(WindowClaim claim, Instant now, String cause, String error) {
        Duration delay = backoff.delayAfter(claim.attempts());
        claim.failed(error, now.plus(delay));
        metrics.counter("vitalwire.ingest.windows.write.failures", "cause", cause).increment();
        // Window id only: the identifier names the patient's FHIR id.
        LOG.warn("writing window {} failed ({}, attempt {}); retrying in {}", claim.id(), cause,
                claim.attempts() + 1, delay);
    }
}
