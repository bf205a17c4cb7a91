package io.vitalwire.gateway.coap;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Counts what the CoAP transport refused, by reason, for the Prometheus endpoint (what it accepted, the intake
 * counts).
 */
@Singleton
class IntakeCounters {

    private final MeterRegistry registry;

    IntakeCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    void rejected(String reason) {
        registry.counter("vitalwire.intake.rejected", "source", "coap", "reason", reason).increment();
    }
}
