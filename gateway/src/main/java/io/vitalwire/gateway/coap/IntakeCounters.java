package io.vitalwire.gateway.coap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Counts what the CoAP intake accepted and refused, by reason, for the Prometheus endpoint. */
@Singleton
class IntakeCounters {

    private final MeterRegistry registry;

    IntakeCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    void accepted(int added, int alreadyKnown) {
        registry.counter("vitalwire.intake.readings", "source", "coap", "outcome", "added").increment(added);
        registry.counter("vitalwire.intake.readings", "source", "coap", "outcome", "already-known")
                .increment(alreadyKnown);
    }

    void rejected(String reason) {
        registry.counter("vitalwire.intake.rejected", "source", "coap", "reason", reason).increment();
    }
}
