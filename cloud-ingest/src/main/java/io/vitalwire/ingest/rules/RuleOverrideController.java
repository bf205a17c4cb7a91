package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.security.AdminRoles;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules' settings for operators and care teams:
 * <ul>
 *   <li>{@code GET|PUT /admin/rules/tenants/{tenant}}: an organization's overrides, body
 *       {@code {"overrides": {"spo2": {"warning": {"lt": 90}}}}};</li>
 *   <li>{@code GET|PUT /admin/rules/tenants/{tenant}/patients/{patient}}: a patient's overrides and conditions set by
 *       hand, body {@code {"overrides": …, "conditions": ["heart-failure"]}} ({@code patient}: the Patient's logical
 *       id);</li>
 *   <li>{@code GET /admin/rules/tenants/{tenant}/audit?patient=&limit=}: every change, newest first.</li>
 * </ul>
 * A PUT replaces the settings; invalid overrides answer 400 naming the problem. Who made a change is the caller's
 * token subject (reads: any admin role; changes: {@code clinical-admin}).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/rules/tenants/{tenant}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RuleOverrideController {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final RuleOverrides overrides;

    public RuleOverrideController(RuleOverrides overrides) {
        this.overrides = overrides;
    }

    /** A PUT's body. */
    public record Request(@Nullable JsonNode overrides, @Nullable List<String> conditions) {
    }

    /** The tenant's alert thresholds: the defaults with the organization's overrides. */
    @ApiResponse(responseCode = "200", description = "the overrides",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = RuleOverrides.Setting.class),
                    examples = @ExampleObject(name = "heart rate", value = "{\"overrides\": {\"heart-rate\": {"
                            + "\"warning\": {\"gt\": 100, \"lt\": 50}}}, \"conditions\": [], "
                            + "\"updatedAt\": 1796207400.512000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such overrides")
    @Get
    public HttpResponse<?> organization(@PathVariable String tenant) {
        return get(tenant, RuleOverrides.ORGANIZATION);
    }

    /**
     * Replaces the organization's threshold overrides, validated and audited; rules use them from the next reading on.
     */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "200", description = "the overrides as stored",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = RuleOverrides.Setting.class),
                    examples = @ExampleObject(name = "heart rate", value = "{\"overrides\": {\"heart-rate\": {"
                            + "\"warning\": {\"gt\": 100, \"lt\": 50}}}, \"conditions\": [], "
                            + "\"updatedAt\": 1796207400.512000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "heart rate",
            value = "{\"overrides\": {\"heart-rate\": {\"warning\": {\"gt\": 100, \"lt\": 50}}}}")))
    @Put
    public HttpResponse<?> putOrganization(@PathVariable String tenant, @Body Request body, Authentication caller) {
        return put(tenant, RuleOverrides.ORGANIZATION, body, caller.getName());
    }

    /** One patient's thresholds: the organization's with the patient's overrides. */
    @ApiResponse(responseCode = "200", description = "the overrides",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = RuleOverrides.Setting.class),
                    examples = @ExampleObject(name = "COPD", value = "{\"overrides\": {\"spo2\": {\"warning\": {"
                            + "\"lt\": 88}, \"critical\": {\"lt\": 85}}}, \"conditions\": [\"copd\"], "
                            + "\"updatedAt\": 1796207469.020000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such overrides")
    @Get("/patients/{patient}")
    public HttpResponse<?> patient(@PathVariable String tenant, @PathVariable String patient) {
        return valid(patient) ? get(tenant, patient) : HttpResponse.badRequest("patient: a FHIR logical id");
    }

    /** Replaces one patient's threshold overrides (a clinician's decision for this patient), validated and audited. */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "200", description = "the overrides as stored",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = RuleOverrides.Setting.class),
                    examples = @ExampleObject(name = "COPD", value = "{\"overrides\": {\"spo2\": {\"warning\": {"
                            + "\"lt\": 88}, \"critical\": {\"lt\": 85}}}, \"conditions\": [\"copd\"], "
                            + "\"updatedAt\": 1796207469.020000000, \"updatedBy\": \"carla\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "COPD",
            value = "{\"overrides\": {\"spo2\": {\"warning\": {\"lt\": 88}, \"critical\": {\"lt\": 85}}}, "
                    + "\"conditions\": [\"copd\"]}")))
    @Put("/patients/{patient}")
    public HttpResponse<?> putPatient(@PathVariable String tenant, @PathVariable String patient, @Body Request body,
                                      Authentication caller) {
        return valid(patient) ? put(tenant, patient, body, caller.getName())
                : HttpResponse.badRequest("patient: a FHIR logical id");
    }

    /** The tenant's threshold changes, newest first, optionally of one patient. */
    @ApiResponse(responseCode = "200", description = "newest first",
            content = @Content(mediaType = "application/json",
                    array = @ArraySchema(schema = @Schema(implementation = RuleOverrides.Change.class)),
                    examples = @ExampleObject(name = "COPD", value = "[{\"id\": 41, \"tenant\": \"acme\", "
                            + "\"patient\": \"patient-0042\", \"at\": 1796207469.020000000, \"by\": \"carla\", "
                            + "\"before\": null, \"after\": {\"overrides\": {\"spo2\": {\"warning\": {\"lt\": 88}, "
                            + "\"critical\": {\"lt\": 85}}}, \"conditions\": [\"copd\"]}}]")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get("/audit")
    public HttpResponse<?> audit(@PathVariable String tenant, @Nullable @QueryValue String patient,
                                 @QueryValue(defaultValue = "100") int limit) {
        if (!valid(tenant) || (patient != null && !valid(patient)) || limit < 1 || limit > 1000) {
            return HttpResponse.badRequest("tenant and patient: ids; limit 1..1000");
        }
        return HttpResponse.ok(overrides.audit(tenant, patient, limit));
    }

    private HttpResponse<?> get(String tenant, String patient) {
        if (!valid(tenant)) {
            return HttpResponse.badRequest("tenant: letters, digits, '.', '_', '-'");
        }
        return overrides.get(tenant, patient).<HttpResponse<?>>map(HttpResponse::ok).orElse(HttpResponse.notFound());
    }

    private HttpResponse<?> put(String tenant, String patient, Request body, String actor) {
        if (!valid(tenant)) {
            return HttpResponse.badRequest("tenant: letters, digits, '.', '_', '-'");
        }
        String who = actor.strip();
        try {
            return HttpResponse.ok(overrides.put(tenant, patient, body.overrides(), body.conditions(),
                    who.length() > 200 ? who.substring(0, 200) : who));
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(e.getMessage());
        }
    }

    private static boolean valid(String id) {
        return ID.matcher(id).matches();
    }
}
