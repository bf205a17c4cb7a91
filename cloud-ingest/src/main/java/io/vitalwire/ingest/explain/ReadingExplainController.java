package io.vitalwire.ingest.explain;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.quarantine.QuarantineView;
import io.vitalwire.ingest.window.WindowStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * {@code GET /admin/readings?key=…}: for operators, where a reading went. Answers from the systems of record
 * themselves (the FHIR server, InfluxDB, the window store, the quarantine), so it cannot disagree with them.
 */
@Controller("/admin/readings")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReadingExplainController {

    private final IGenericClient fhir;
    private final InfluxSink influx;
    private final WindowStore windows;
    private final QuarantineStore quarantine;

    public ReadingExplainController(IGenericClient fhir, InfluxSink influx, WindowStore windows,
                                    QuarantineStore quarantine) {
        this.fhir = fhir;
        this.influx = influx;
        this.windows = windows;
        this.quarantine = quarantine;
    }

    @Get
    public HttpResponse<ReadingTrail> explain(@QueryValue String key) {
        if (key.isBlank() || key.length() > 256) {
            return HttpResponse.badRequest();
        }
        List<String> observations = new ArrayList<>(observations(FhirSystems.READING_KEY, key));
        ReadingTrail.Window window = windows.trail(key).map(this::window).orElse(null);
        if (window != null && window.status().equals("written")) {
            observations.add(window.observation());
        }
        List<QuarantineView> setAside = quarantine.forReading(key).stream().map(QuarantineView::of).toList();
        String outcome = !observations.isEmpty() ? "delivered"
                : window != null ? "windowed"
                : !setAside.isEmpty() ? "quarantined"
                : "unknown";
        return HttpResponse.ok(new ReadingTrail(key, outcome, observations, influx.countPoints(key), window,
                setAside));
    }

    private ReadingTrail.Window window(WindowStore.SampleTrail t) {
        Optional<String> observation = observations(FhirSystems.READING_WINDOW, t.identifier()).stream().findFirst();
        String status = t.written() && observation.isPresent() ? "written"
                : t.attempts() > 0 ? "write-failing"
                : t.end().isAfter(Instant.now()) ? "open"
                : "awaiting-write";
        return new ReadingTrail.Window(t.windowId(), t.start().toString(), t.end().toString(), status,
                observation.orElse(null), t.lastError());
    }

    private List<String> observations(String system, String value) {
        Bundle found = fhir.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(system, value))
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        return found.getEntry().stream()
                .map(e -> "Observation/" + e.getResource().getIdElement().getIdPart())
                .toList();
    }
}
