package io.vitalwire.ingest.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * {@code vitalwire.ingest.webhooks.deliveries{outcome=delivered|retried|dead|disabled}}: deliveries delivered, attempts
 * failed and rescheduled, deliveries dead-lettered after their last attempt, and deliveries dead-lettered because
 * their endpoint answered 410; {@code vitalwire.ingest.webhooks.latency}: from the event (an alert raised) to its
 * delivery, replays left out.
 */
@Singleton
class DeliveryMetrics {

    private final Counter delivered;
    private final Counter retried;
    private final Counter dead;
    private final Counter disabled;
    private final Timer latency;

    DeliveryMetrics(MeterRegistry registry) {
        this.delivered = counter(registry, "delivered");
        this.retried = counter(registry, "retried");
        this.dead = counter(registry, "dead");
        this.disabled = counter(registry, "disabled");
        this.latency = Timer.builder("vitalwire.ingest.webhooks.latency")
                .description("from an alert's event to its webhook delivered")
                .publishPercentileHistogram()
                .register(registry);
    }

    void delivered(Duration sinceEvent, boolean replayed) {
        delivered.increment();
        if (!replayed) {
            latency.record(sinceEvent.isNegative() ? Duration.ZERO : sinceEvent);
        }
    }

    void retried() {
        retried.increment();
    }

    void dead() {
        dead.increment();
    }

    void disabled(int deliveries) {
        disabled.increment(deliveries);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("vitalwire.ingest.webhooks.deliveries")
                .description("webhook deliveries by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }
}
