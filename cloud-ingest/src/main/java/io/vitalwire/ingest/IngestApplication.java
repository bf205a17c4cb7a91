package io.vitalwire.ingest;

import io.micronaut.runtime.Micronaut;

/**
 * Cloud ingest. Its pipeline, top-down: {@code consume} (MQTT readings and events, acknowledged once durable) →
 * {@code inbox} (the engine: PostgreSQL, one state per reading and stage, retries with the shared backoff) → the
 * stages {@code IngestPipeline} declares, in its order ({@code resolve}, then {@code fhir} and {@code influx}
 * independently); what a stage cannot take goes to {@code quarantine} with its reason, and {@code replay} puts it
 * back into the inbox once its device is assigned. Gateways' events (gaps) go to {@code events}.
 */
public final class IngestApplication {

    private IngestApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(IngestApplication.class, args);
    }
}
