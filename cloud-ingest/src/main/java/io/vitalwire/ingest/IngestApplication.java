package io.vitalwire.ingest;

import io.micronaut.runtime.Micronaut;

/**
 * Cloud ingest. Its pipeline, top-down: {@code consume} (MQTT, acknowledged only when handled) → {@code resolve}
 * (device → patient at the measurement time) → {@code map} (FHIR Observation), or {@code window} for samples of
 * continuous streams (one Observation per window, written by the window closer) → sinks {@code fhir} and
 * {@code influx}; what cannot be handled goes to {@code quarantine} with its reason, and {@code replay} re-ingests
 * it once its device is assigned. {@link ReadingsIngest} runs the stages in that order.
 */
public final class IngestApplication {

    private IngestApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(IngestApplication.class, args);
    }
}
