package io.vitalwire.ingest.notify;

import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery worker thread: claims a due delivery, builds its payload, signs it with the endpoint's secrets, sends
 * it once, and records the outcome in the claim's transaction; claims again at once while it finds work, else
 * waits for a wake-up or the poll interval.
 *
 * <p>Logs name the endpoint and the alert by id, never a secret, a patient or a value.
 */
final class DeliveryWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    /** A delivery this replica cannot sign waits this long, no attempt counted ({@link DeliveryClaim#deferred}). */
    private static final Duration UNSIGNABLE_WAIT = Duration.ofMinutes(1);

    private final DeliveryStore store;
    private final SecretBox box;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final DeliverySignals signals;
    private final DeliveryMetrics metrics;
    private final Duration pollInterval;
    private final Clock clock;
    private volatile boolean running = true;

    DeliveryWorker(DeliveryStore store, SecretBox box, WebhookSender sender, RetrySchedule schedule,
                   DeliverySignals signals, DeliveryMetrics metrics, Duration pollInterval, Clock clock) {
        this.store = store;
        this.box = box;
        this.sender = sender;
        this.schedule = schedule;
        this.signals = signals;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    @Override
    public void run() {
        while (running) {
            boolean worked = false;
            try {
                worked = deliverOnce();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException | RuntimeException e) {
                // PostgreSQL unreachable, or a bug: the delivery stays pending; look again after the poll interval.
                LOG.warn("webhook worker: {}", e.getMessage());
            }
            if (!worked && running) {
                try {
                    signals.await(pollInterval);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One claimed delivery, attempted and recorded. @return whether there was one */
    boolean deliverOnce() throws SQLException, InterruptedException {
        Optional<DeliveryClaim> taken = store.claim(clock.instant());
        if (taken.isEmpty()) {
            return false;
        }
        try (DeliveryClaim claim = taken.get()) {
            Delivery d = claim.delivery();
            List<SigningSecret> secrets;
            try {
                secrets = secrets(claim, d);
            } catch (SecretBox.SecretUnavailable e) {
                claim.deferred(e.getMessage(), clock.instant().plus(UNSIGNABLE_WAIT));
                LOG.error("webhook for alert {} to endpoint {} waits: {}", d.alert().id(), d.endpointId(),
                        e.getMessage());
                return true;
            }
            String body = AlertPayload.json(d.event(), d.createdAt(), d.alert(), claim.observation());
            long timestamp = clock.instant().getEpochSecond();
            Attempt attempt = sender.send(new WebhookSender.Signed(URI.create(d.url()), d.webhookId(), timestamp,
                    WebhookSigner.signature(secrets, d.webhookId(), timestamp, body), body));
            record(claim, d, attempt, clock.instant());
        }
        return true;
    }

    private List<SigningSecret> secrets(DeliveryClaim claim, Delivery d)
            throws SQLException, SecretBox.SecretUnavailable {
        List<SigningSecret> secrets = new ArrayList<>();
        for (SecretBox.Sealed sealed : claim.secrets(clock.instant())) {
            secrets.add(box.open(d.endpointId(), sealed));
        }
        if (secrets.isEmpty()) {
            throw new SecretBox.SecretUnavailable("endpoint " + d.endpointId() + " has no secret; rotate one in");
        }
        return secrets;
    }

    private void record(DeliveryClaim claim, Delivery d, Attempt attempt, Instant now) throws SQLException {
        int attemptNo = d.attempts() + 1;
        if (attempt instanceof Attempt.Delivered ok) {
            claim.delivered(ok.status(), now);
            metrics.delivered(Duration.between(d.createdAt(), now), d.replayed());
            LOG.debug("webhook {} for alert {} delivered to endpoint {} (attempt {})", d.event().type(),
                    d.alert().id(), d.endpointId(), attemptNo);
            return;
        }
        Attempt.Failed f = (Attempt.Failed) attempt;
        if (f.cause() == Attempt.Cause.GONE) {
            int dead = claim.gone(f.status(), now);
            metrics.disabled(dead);
            LOG.warn("endpoint {} answered HTTP {} to alert {}: endpoint disabled, {} deliveries dead-lettered",
                    d.endpointId(), f.status(), d.alert().id(), dead);
            return;
        }
        Optional<Duration> wait = schedule.next(attemptNo, f.retryAfter());
        if (wait.isPresent()) {
            claim.retry(f.status(), f.error(), now.plus(wait.get()), now);
            metrics.retried();
            LOG.warn("webhook for alert {} to endpoint {} failed (attempt {} of {}: {}); next in {}",
                    d.alert().id(), d.endpointId(), attemptNo, schedule.attempts(), f.error(), wait.get());
        } else {
            claim.dead(f.status(), f.error(), "no 2xx after " + attemptNo + " attempts", now);
            metrics.dead();
            LOG.warn("webhook for alert {} to endpoint {} dead-lettered after {} attempts (last: {})",
                    d.alert().id(), d.endpointId(), attemptNo, f.error());
        }
    }

    void stop() {
        running = false;
        signals.wake();
    }
}
