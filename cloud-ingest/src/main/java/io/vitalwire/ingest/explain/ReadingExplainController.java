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
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * {@code GET /admin/readings?key=…}: for operators, where a reading went. Answers from the systems of record
 * themselves (the FHIR server, InfluxDB, the quarantine), so it cannot disagree with them.
 */
@Controller("/admin/readings")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReadingExplainController {

    private final IGenericClient fhir;
    private final InfluxSink influx;
    private final QuarantineStore quarantine;

    public ReadingExplainController(IGenericClient fhir, InfluxSink influx, QuarantineStore quarantine) {
        this.fhir = fhir;
        this.influx = influx;
        this.quarantine = quarantine;
    }

    @Get
    public HttpResponse<ReadingTrail> explain(@QueryValue String key) {
        if (key.isBlank() || key.length() > 256) {
            return HttpResponse.badRequest();
        }
        Bundle found = fhir.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(FhirSystems.READING_KEY, key))
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        List<String> observations = found.getEntry().stream()
                .map(e -> "Observation/" + e.getResource().getIdElement().getIdPart())
                .toList();
        List<ReadingTrail.Quarantined> setAside = quarantine.forReading(key).stream()
                .map(q -> new ReadingTrail.Quarantined(q.id(), q.at().toString(), q.reason().name(), q.detail()))
                .toList();
        String outcome = !observations.isEmpty() ? "delivered" : !setAside.isEmpty() ? "quarantined" : "unknown";
        return HttpResponse.ok(new ReadingTrail(key, outcome, observations, influx.countPoints(key), setAside));
    }
}
