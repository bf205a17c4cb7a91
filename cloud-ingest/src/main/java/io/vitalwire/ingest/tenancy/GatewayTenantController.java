package io.vitalwire.ingest.tenancy;

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
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.security.AdminRoles;

/**
 * Gateway tenants for operators:
 * <ul>
 *   <li>{@code GET /admin/gateways/{id}/tenant}: the tenant it is registered under (404: none recorded);</li>
 *   <li>{@code PUT /admin/gateways/{id}/tenant}, body {@code {"tenant": "acme", "note": "…"}}: registers it, or moves
 *       it to another tenant — the one explicit way to do so, audited;</li>
 *   <li>{@code GET /admin/gateways/{id}/tenants?limit=}: every change, newest first.</li>
 * </ul>
 * Readings it sent under another tenant stay quarantined ({@code TENANT_MISMATCH}) until it is registered under
 * theirs; then the sweep replays them, or {@code POST /admin/quarantine/replay?device=} at once. A move needs the
 * gateway's certificate issued under the new tenant too ({@code deploy/broker/README.md}). Reads: any admin role; a
 * registration or move: an {@code operator} only — which tenant's records a hub writes into is an operations
 * decision, not a clinical one. Who made a change is the caller's token subject.
 */
@Controller("/admin/gateways/{id}")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
public class GatewayTenantController {

    /** A topic segment, as the contract's Topic allows it. */
    private static final int MAX_TEXT = 200;

    private final GatewayTenants tenants;

    public GatewayTenantController(GatewayTenants tenants) {
        this.tenants = tenants;
    }

    /** A PUT's body. */
    public record Request(@Nullable String tenant, @Nullable String note) {
    }

    /** The tenant a gateway is registered under, with when and by whom; 404 when none is. */
    @ApiResponse(responseCode = "200", description = "its registration",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Registration.class),
                    examples = @ExampleObject(name = "registered", value = "{\"gateway\": \"hub-7\", "
                            + "\"tenant\": \"acme\", \"registeredAt\": 1795168692.204000000, "
                            + "\"registeredBy\": \"oscar\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such registration")
    @Get("/tenant")
    public HttpResponse<?> registration(@PathVariable String id) {
        if (!Topic.isSegment(id)) {
            return HttpResponse.badRequest("id: a gateway id (letters, digits, '_', '-')");
        }
        return tenants.of(id).<HttpResponse<?>>map(HttpResponse::ok).orElse(HttpResponse.notFound());
    }

    /**
     * Registers the gateway under a tenant (a first registration or a move), audited; quarantined readings it sent
     * under that tenant are replayed by the next sweep.
     */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "the change, as audited",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = GatewayTenants.Change.class),
                    examples = @ExampleObject(name = "moved", value = "{\"id\": 17, \"gateway\": \"hub-7\", "
                            + "\"at\": 1796306731.402000000, \"by\": \"oscar\", \"before\": \"acme-pilot\", "
                            + "\"after\": \"acme\", \"readingKey\": null, "
                            + "\"note\": \"hub moved to the Acme programme, ticket 4711\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "move",
            value = "{\"tenant\": \"acme\", \"note\": \"hub moved to the Acme programme, ticket 4711\"}")))
    @Put("/tenant")
    public HttpResponse<?> register(@PathVariable String id, @Body Request body, Authentication caller) {
        if (!Topic.isSegment(id) || body.tenant() == null || !Topic.isSegment(body.tenant())) {
            return HttpResponse.badRequest("id and tenant: as in the topic (letters, digits, '_', '-')");
        }
        String note = body.note() == null || body.note().isBlank() ? null : clip(body.note().strip());
        return HttpResponse.ok(tenants.register(id, body.tenant(), clip(caller.getName()), note));
    }

    /** The gateway's registration changes, newest first. */
    @ApiResponse(responseCode = "200", description = "newest first",
            content = @Content(mediaType = "application/json",
                    array = @ArraySchema(schema = @Schema(implementation = GatewayTenants.Change.class)),
                    examples = @ExampleObject(name = "moved", value = "[{\"id\": 17, \"gateway\": \"hub-7\", "
                            + "\"at\": 1796306731.402000000, \"by\": \"oscar\", \"before\": \"acme-pilot\", "
                            + "\"after\": \"acme\", \"readingKey\": null, "
                            + "\"note\": \"hub moved to the Acme programme, ticket 4711\"}]")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get("/tenants")
    public HttpResponse<?> audit(@PathVariable String id, @QueryValue(defaultValue = "100") int limit) {
        if (!Topic.isSegment(id) || limit < 1 || limit > 1000) {
            return HttpResponse.badRequest("id: a gateway id; limit 1..1000");
        }
        return HttpResponse.ok(tenants.audit(id, limit));
    }

    private static String clip(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
}
