package io.vitalwire.ingest.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.security.AdminRoles;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * The time zones billing days are counted in (issue 16, section 4):
 * <ul>
 *   <li>{@code GET|PUT /admin/billing/tenants/{tenant}/time-zone}: the organization's default for its patients;</li>
 *   <li>{@code GET|PUT /admin/billing/tenants/{tenant}/patients/{patient}/time-zone}: one patient's.</li>
 * </ul>
 * Body of a PUT: {@code {"zone": "America/Los_Angeles"}} (an IANA region name). A GET answers 404 when none is set
 * (then the organization's, else {@code vitalwire.ingest.billing.default-zone}, applies). A change applies to readings
 * counted from then on: a day already counted stays on the date it was counted for (the patient was there then).
 * Reads: any admin role; writes: {@code clinical-admin} or {@code operator}, audited (admin_audit) under the token's
 * subject.
 */
@Controller("/admin/billing/tenants/{tenant}")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
public class TimeZoneController {

    private final TimeZones zones;
    private final Clock clock;

    public TimeZoneController(TimeZones zones, Clock clock) {
        this.zones = zones;
        this.clock = clock;
    }

    /** A PUT's body. */
    public record Request(@Nullable String zone) {
    }

    /** The organization's time zone, in which its patients' days are counted unless a patient has their own. */
    @ApiResponse(responseCode = "200", description = "the zone, with who set it and when",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = TimeZones.ZoneSetting.class),
                    examples = @ExampleObject(name = "Chicago", value = "{\"tenant\": \"acme\", \"patient\": \"\", "
                            + "\"zone\": \"America/Chicago\", \"updatedAt\": 1796306531.140000000, "
                            + "\"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no zone set")
    @Get("/time-zone")
    public HttpResponse<?> organization(@PathVariable String tenant) throws SQLException {
        return get(tenant, TimeZones.ORGANIZATION);
    }

    /** One patient's own time zone, in which their reading days are counted. */
    @ApiResponse(responseCode = "200", description = "the zone, with who set it and when",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = TimeZones.ZoneSetting.class),
                    examples = @ExampleObject(name = "Berlin", value = "{\"tenant\": \"acme\", "
                            + "\"patient\": \"patient-0042\", \"zone\": \"Europe/Berlin\", "
                            + "\"updatedAt\": 1796306531.140000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no zone set")
    @Get("/patients/{patient}/time-zone")
    public HttpResponse<?> patient(@PathVariable String tenant, @PathVariable String patient) throws SQLException {
        if (!Ids.PATIENT.matcher(patient).matches()) {
            return HttpResponse.badRequest("patient: a FHIR Patient's logical id");
        }
        return get(tenant, patient);
    }

    /**
     * Sets the organization's time zone (an IANA name), audited; it applies to readings counted from then on,
     * days already counted keep the zone they were counted in.
     */
    @Secured({AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
    @ApiResponse(responseCode = "200", description = "the zone as stored",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = TimeZones.ZoneSetting.class),
                    examples = @ExampleObject(name = "Chicago", value = "{\"tenant\": \"acme\", \"patient\": \"\", "
                            + "\"zone\": \"America/Chicago\", \"updatedAt\": 1796306531.140000000, "
                            + "\"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "Chicago",
            value = "{\"zone\": \"America/Chicago\"}")))
    @Put("/time-zone")
    public HttpResponse<?> setOrganization(@PathVariable String tenant, @Body Request body, Authentication caller)
            throws SQLException {
        return set(tenant, TimeZones.ORGANIZATION, body, caller);
    }

    /** Sets one patient's time zone (an IANA name), audited; as the organization's, from then on. */
    @Secured({AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
    @ApiResponse(responseCode = "200", description = "the zone as stored",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = TimeZones.ZoneSetting.class),
                    examples = @ExampleObject(name = "Berlin", value = "{\"tenant\": \"acme\", "
                            + "\"patient\": \"patient-0042\", \"zone\": \"Europe/Berlin\", "
                            + "\"updatedAt\": 1796306531.140000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "Berlin",
            value = "{\"zone\": \"Europe/Berlin\"}")))
    @Put("/patients/{patient}/time-zone")
    public HttpResponse<?> setPatient(@PathVariable String tenant, @PathVariable String patient, @Body Request body,
                                      Authentication caller) throws SQLException {
        if (!Ids.PATIENT.matcher(patient).matches()) {
            return HttpResponse.badRequest("patient: a FHIR Patient's logical id");
        }
        return set(tenant, patient, body, caller);
    }

    private HttpResponse<?> get(String tenant, String patient) throws SQLException {
        if (!Topic.isSegment(tenant)) {
            return HttpResponse.badRequest("tenant: as in the topic (letters, digits, '_', '-')");
        }
        return zones.find(tenant, patient).<HttpResponse<?>>map(HttpResponse::ok).orElse(HttpResponse.notFound());
    }

    private HttpResponse<?> set(String tenant, String patient, Request body, Authentication caller)
            throws SQLException {
        if (!Topic.isSegment(tenant)) {
            return HttpResponse.badRequest("tenant: as in the topic (letters, digits, '_', '-')");
        }
        Optional<String> zone = body.zone() == null ? Optional.empty() : zones.known(body.zone());
        if (zone.isEmpty()) {
            return HttpResponse.badRequest("zone: an IANA time zone name such as America/Chicago");
        }
        String who = caller.getName().length() > 200 ? caller.getName().substring(0, 200) : caller.getName();
        return HttpResponse.ok(zones.set(tenant, patient, zone.get(), who, clock.instant()));
    }
}
