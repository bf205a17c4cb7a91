package io.vitalwire.ingest;

import io.micronaut.runtime.Micronaut;

/**
 * Cloud ingest. Its pipeline, top-down: {@code consume} (MQTT readings and events, acknowledged once durable) →
 * {@code inbox} (PostgreSQL; workers on every replica take each reading through the next stages, retrying while a
 * service is down) → {@code resolve} (device → patient at the measurement time) → {@code map} (FHIR Observation),
 * or {@code window} for samples of continuous streams (one Observation per window, written by the window closer) →
 * sinks {@code fhir} and {@code influx}, independently of each other; what cannot be handled goes to
 * {@code quarantine} with its reason, and {@code replay} re-ingests it once its device is assigned. Gateways'
 * events (gaps) go to {@code events}. {@link ReadingsIngest} says which class runs which stage.
 */
public final class IngestApplication {

    private IngestApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(IngestApplication.class, args);
    }
}
