package io.vitalwire.ingest;

import io.micronaut.runtime.Micronaut;

/**
 * Cloud ingest. Its pipeline, top-down: {@code consume} (MQTT, acknowledged only when handled) → {@code resolve}
 * (device → patient) → {@code map} (FHIR Observation) → sinks {@code fhir} and {@code influx}; what cannot be handled
 * goes to {@code quarantine} with its reason. {@link ReadingsIngest} runs the stages in that order.
 */
public final class IngestApplication {

    private IngestApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(IngestApplication.class, args);
    }
}
