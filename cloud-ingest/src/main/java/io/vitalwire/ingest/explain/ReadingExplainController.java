package io.vitalwire.ingest.explain;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.inbox.InboxState;
import io.vitalwire.ingest.inbox.InboxStore;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.quarantine.QuarantineView;
import io.vitalwire.ingest.security.AdminRoles;
import io.vitalwire.ingest.window.WindowStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * {@code GET /admin/readings?key=…}: for operators, where a reading went. Answers from the systems of record
 * themselves (the FHIR server, InfluxDB, the window store, the quarantine), so it cannot disagree with them, and
 * from the inbox, stage by stage, for a reading on its way (e.g. waiting for FHIR to come back).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/readings")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReadingExplainController {

    private final IGenericClient fhir;
    private final InfluxSink influx;
    private final WindowStore windows;
    private final QuarantineStore quarantine;
    private final InboxStore inbox;
    private final Clock clock;

    public ReadingExplainController(IGenericClient fhir, InfluxSink influx, WindowStore windows,
                                    QuarantineStore quarantine, InboxStore inbox, Clock clock) {
        this.clock = clock;
        this.fhir = fhir;
        this.influx = influx;
        this.windows = windows;
        this.quarantine = quarantine;
        this.inbox = inbox;
    }

    /**
     * Where one reading went, by its key: the inbox's stages with their states and attempts, its quarantine, its
     * Observation in FHIR and its point in InfluxDB.
     */
    @ApiResponse(responseCode = "200", description = "where the reading went",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ReadingTrail.class),
                    examples = @ExampleObject(name = "delivered", value = "{"
                            + "\"key\": \"hub-7/sn.BPC-0002/s118/150020\", \"outcome\": \"delivered\", "
                            + "\"observations\": [\"Observation/12\"], \"influxPoints\": 3, \"window\": null, "
                            + "\"quarantine\": [], \"inbox\": {\"receivedAt\": \"2026-12-03T08:00:01.512Z\", "
                            + "\"stages\": [{\"stage\": \"resolve\", \"state\": \"done\", \"attempts\": 0, "
                            + "\"lastError\": null, \"nextAttemptAt\": null, "
                            + "\"doneAt\": \"2026-12-03T08:00:01.530Z\", "
                            + "\"outcome\": \"owned through Device/31\"}, {\"stage\": \"fhir\", "
                            + "\"state\": \"done\", \"attempts\": 0, \"lastError\": null, \"nextAttemptAt\": null, "
                            + "\"doneAt\": \"2026-12-03T08:00:01.702Z\", "
                            + "\"outcome\": \"delivered Observation/12\"}, {\"stage\": \"influx\", "
                            + "\"state\": \"done\", \"attempts\": 0, \"lastError\": null, \"nextAttemptAt\": null, "
                            + "\"doneAt\": \"2026-12-03T08:00:01.611Z\", \"outcome\": \"written 3 points\"}]}, "
                            + "\"unavailable\": []}")))
    @ApiResponse(responseCode = "400", description = "the key is blank or longer than 256 characters")
    @Get
    public HttpResponse<ReadingTrail> explain(@QueryValue String key) {
        if (key.isBlank() || key.length() > 256) {
            return HttpResponse.badRequest();
        }
        // A sink that cannot be asked is named, not fatal: an outage is when operators ask most.
        List<String> unavailable = new ArrayList<>();
        List<String> observations = new ArrayList<>(ask("fhir", unavailable, List.of(),
                () -> observations(FhirSystems.READING_KEY, key)));
        ReadingTrail.Window window = windows.trail(key).map(t -> window(t, unavailable)).orElse(null);
        if (window != null && window.status().equals("written")) {
            observations.add(window.observation());
        }
        List<QuarantineView> setAside = quarantine.forReading(key).stream().map(QuarantineView::of).toList();
        ReadingTrail.Inbox inInbox = inbox.trail(key).map(ReadingExplainController::inbox).orElse(null);
        boolean pending = inInbox != null && inInbox.stages().stream()
                .anyMatch(s -> s.state().equals(state(InboxState.PENDING)));
        String outcome = !observations.isEmpty() ? "delivered"
                : window != null ? "windowed"
                : !setAside.isEmpty() ? "quarantined"
                : pending ? "pending"
                : "unknown";
        Long points = ask("influxdb", unavailable, null, () -> influx.countPoints(key));
        return HttpResponse.ok(new ReadingTrail(key, outcome, observations, points, window, setAside, inInbox,
                unavailable));
    }

    private static <T> T ask(String system, List<String> unavailable, T unknown, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            unavailable.add(system + ": " + e.getMessage());
            return unknown;
        }
    }

    private static ReadingTrail.Inbox inbox(InboxStore.EntryTrail t) {
        return new ReadingTrail.Inbox(t.receivedAt().toString(), t.stages().stream()
                .map(s -> new ReadingTrail.Stage(s.stage(), state(s.state()), s.attempts(), s.lastError(),
                        s.state() == InboxState.PENDING ? s.nextAt().toString() : null,
                        s.doneAt() == null ? null : s.doneAt().toString(), s.outcome()))
                .toList());
    }

    private static String state(InboxState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private ReadingTrail.Window window(WindowStore.SampleTrail t, List<String> unavailable) {
        Optional<String> observation = ask("fhir", unavailable, List.<String>of(),
                () -> observations(FhirSystems.READING_WINDOW, t.identifier())).stream().findFirst();
        String status = t.written() && observation.isPresent() ? "written"
                : t.attempts() > 0 ? "write-failing"
                : t.end().isAfter(clock.instant()) ? "open"
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
