package io.vitalwire.ingest.tasks;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.security.AdminRoles;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Alerts for the care team and operators:
 * <ul>
 *   <li>{@code GET /admin/alerts?patient=&state=&limit=}: newest first, each with its Task ({@link AlertView});</li>
 *   <li>{@code GET /admin/alerts/{id}}: one alert;</li>
 *   <li>{@code POST /admin/alerts/{id}/acknowledge}: RAISED | ESCALATED → ACKNOWLEDGED, and its Task completed. 200
 *       with the alert; acknowledging it again answers 200 with the first acknowledgement unchanged; 404 for an
 *       unknown alert.</li>
 * </ul>
 * Who acknowledges is the caller's token subject, never a name in the request: an acknowledgement is the care
 * team's record of who took the alert, so it is a {@code clinical-admin}'s act; the reads are open to every admin
 * role.
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/alerts")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AlertController {

    private static final Pattern PATIENT = Pattern.compile("[A-Za-z0-9.-]{1,64}");
    private static final int MAX_LIMIT = 500;
    private static final int MAX_ACTOR = 200;

    private final AlertLedger ledger;

    public AlertController(AlertLedger ledger) {
        this.ledger = ledger;
    }

    /** A page of alerts. */
    public record Alerts(List<AlertView> alerts) {
    }

    /** A page of alerts, newest first, by patient and state. */
    @ApiResponse(responseCode = "200", description = "a page of alerts",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Alerts.class),
                    examples = @ExampleObject(name = "one alert", value = "{\"alerts\": [{"
                            + "\"id\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", \"tenant\": \"acme\", "
                            + "\"kind\": \"clinical\", \"rule\": \"spo2\", \"severity\": \"critical\", "
                            + "\"patient\": \"patient-0042\", \"gateway\": \"hub-7\", \"device\": \"sn.OXI-0003\", "
                            + "\"readingKey\": \"hub-7/sn.OXI-0003/s57/150456\", "
                            + "\"measuredAt\": \"2026-12-03T08:00:00Z\", \"late\": false, "
                            + "\"raisedAt\": \"2026-12-03T08:00:06.120Z\", \"state\": \"RAISED\", "
                            + "\"escalatedAt\": null, \"acknowledgedAt\": null, \"acknowledgedBy\": null, "
                            + "\"task\": {\"state\": \"OPEN\", \"reference\": \"Task/3107\", "
                            + "\"owner\": \"PractitionerRole/7\", \"ownerReason\": null, \"attempts\": 0, "
                            + "\"lastError\": null, \"nextAttempt\": null, "
                            + "\"writtenAt\": \"2026-12-03T08:00:07.342Z\"}}]}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get
    public HttpResponse<?> list(@Nullable @QueryValue String patient, @Nullable @QueryValue String state,
                                @QueryValue(defaultValue = "50") int limit) throws SQLException {
        if (patient != null && !PATIENT.matcher(patient).matches()) {
            return HttpResponse.badRequest("patient: a FHIR logical id");
        }
        if (state != null && Arrays.stream(AlertState.values()).noneMatch(s -> s.name().equals(state))) {
            return HttpResponse.badRequest("state: one of " + Arrays.toString(AlertState.values()));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("limit: 1.." + MAX_LIMIT);
        }
        return HttpResponse.ok(new Alerts(ledger.list(patient, state == null ? null : AlertState.valueOf(state),
                limit)));
    }

    /** One alert: its reading, state, acknowledgement and FHIR Task; 404 when unknown. */
    @ApiResponse(responseCode = "200", description = "the alert",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertView.class),
                    examples = @ExampleObject(name = "raised", value = "{"
                            + "\"id\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", \"tenant\": \"acme\", "
                            + "\"kind\": \"clinical\", \"rule\": \"spo2\", \"severity\": \"critical\", "
                            + "\"patient\": \"patient-0042\", \"gateway\": \"hub-7\", \"device\": \"sn.OXI-0003\", "
                            + "\"readingKey\": \"hub-7/sn.OXI-0003/s57/150456\", "
                            + "\"measuredAt\": \"2026-12-03T08:00:00Z\", \"late\": false, "
                            + "\"raisedAt\": \"2026-12-03T08:00:06.120Z\", \"state\": \"RAISED\", "
                            + "\"escalatedAt\": null, \"acknowledgedAt\": null, \"acknowledgedBy\": null, "
                            + "\"task\": {\"state\": \"OPEN\", \"reference\": \"Task/3107\", "
                            + "\"owner\": \"PractitionerRole/7\", \"ownerReason\": null, \"attempts\": 0, "
                            + "\"lastError\": null, \"nextAttempt\": null, "
                            + "\"writtenAt\": \"2026-12-03T08:00:07.342Z\"}}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such alert")
    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) throws SQLException {
        Optional<UUID> alert = uuid(id);
        if (alert.isEmpty()) {
            return HttpResponse.badRequest("id: an alert id (UUID)");
        }
        return ledger.find(alert.get()).<HttpResponse<?>>map(HttpResponse::ok).orElse(HttpResponse.notFound());
    }

    /**
     * Acknowledges the alert for the care team (once: a second acknowledgement answers the first); its FHIR Task
     * follows.
     */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "200", description = "the alert, acknowledged",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AlertView.class),
                    examples = @ExampleObject(name = "acknowledged", value = "{"
                            + "\"id\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", \"tenant\": \"acme\", "
                            + "\"kind\": \"clinical\", \"rule\": \"spo2\", \"severity\": \"critical\", "
                            + "\"patient\": \"patient-0042\", \"gateway\": \"hub-7\", \"device\": \"sn.OXI-0003\", "
                            + "\"readingKey\": \"hub-7/sn.OXI-0003/s57/150456\", "
                            + "\"measuredAt\": \"2026-12-03T08:00:00Z\", \"late\": false, "
                            + "\"raisedAt\": \"2026-12-03T08:00:06.120Z\", \"state\": \"ACKNOWLEDGED\", "
                            + "\"escalatedAt\": null, \"acknowledgedAt\": \"2026-12-03T08:04:51.877Z\", "
                            + "\"acknowledgedBy\": \"nina\", \"task\": {\"state\": \"OPEN\", "
                            + "\"reference\": \"Task/3107\", \"owner\": \"PractitionerRole/7\", "
                            + "\"ownerReason\": null, \"attempts\": 0, \"lastError\": null, \"nextAttempt\": null, "
                            + "\"writtenAt\": \"2026-12-03T08:00:07.342Z\"}}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such alert")
    @Post("/{id}/acknowledge")
    public HttpResponse<?> acknowledge(@PathVariable String id, Authentication caller) throws SQLException {
        Optional<UUID> alert = uuid(id);
        if (alert.isEmpty()) {
            return HttpResponse.badRequest("id: an alert id (UUID)");
        }
        String who = caller.getName().strip();
        AlertLedger.Acknowledgement done = ledger.acknowledge(alert.get(),
                who.length() > MAX_ACTOR ? who.substring(0, MAX_ACTOR) : who);
        if (done.outcome() == AlertLedger.Acknowledged.UNKNOWN) {
            return HttpResponse.notFound();
        }
        return HttpResponse.ok(done.alert().orElseThrow());
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
