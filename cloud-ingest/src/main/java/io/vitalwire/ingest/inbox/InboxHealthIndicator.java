package io.vitalwire.ingest.inbox;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.vitalwire.ingest.pipeline.Pipeline;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code /health} → {@code inbox}: per stage, {@code failing} or {@code ok}, what waits for it, and — from this
 * replica's own calls — since when and why. A stage is failing when this replica's last call to its service failed
 * or when the shared inbox holds entries of it that failed ({@code retrying}), so every replica's health shows an
 * outage, also one whose work other replicas happen to do. A failing stage makes the status {@code DEGRADED}, which
 * is still operational (HTTP 200): readings are safe in the inbox, and restarting the replica would not bring FHIR
 * or InfluxDB back.
 */
@Singleton
public class InboxHealthIndicator implements HealthIndicator {

    /**
     * Operational left unset on purpose: Micronaut then ranks it above UP and below DOWN when it aggregates the
     * indicators, and answers HTTP 200 for it.
     */
    public static final HealthStatus DEGRADED = new HealthStatus("DEGRADED",
            "a stage's service is failing; its readings wait in the inbox", null, null);

    private final StageHealth health;
    private final InboxGauges gauges;
    private final Pipeline pipeline;

    public InboxHealthIndicator(StageHealth health, InboxGauges gauges, Pipeline pipeline) {
        this.health = health;
        this.gauges = gauges;
        this.pipeline = pipeline;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        InboxGauges.Snapshot snapshot = gauges.latest();
        Map<String, Object> details = new LinkedHashMap<>();
        boolean failing = false;
        for (Pipeline.Step step : pipeline.steps()) {
            String stage = step.name();
            StageHealth.Status status = health.status(stage);
            InboxStore.StageDepth depth = snapshot.of(stage);
            boolean stageFailing = status.failing() || depth.retrying() > 0;
            failing |= stageFailing;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("state", stageFailing ? "failing" : "ok");
            d.put("since", status.since() == null ? null : status.since().toString());
            d.put("cause", status.cause());
            d.put("lastError", status.lastError());
            d.put("pending", depth.pending());
            d.put("retrying", depth.retrying());
            d.put("oldestAgeSeconds", snapshot.oldestAgeSeconds(stage));
            details.put(stage, d);
        }
        details.put("countedAt", snapshot.at().toString());
        return Publishers.just(HealthResult.builder("inbox", failing ? DEGRADED : HealthStatus.UP)
                .details(details)
                .build());
    }
}
