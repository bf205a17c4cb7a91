package io.vitalwire.ingest.gatewayconfig;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.contract.Topic;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.security.AdminRoles;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A hub's configuration from the cloud (contract 1.2, the retained {@code config} channel), for operators:
 * <ul>
 *   <li>{@code GET /admin/gateways/{gateway}/config}: its current version, what the operator asked for
 *       ({@code spec}), the document the hub gets, and whether the broker acknowledged it (404: never configured);</li>
 *   <li>{@code PUT /admin/gateways/{gateway}/config}, body {@code {"devices": {"ble": […], "coap": […]},
 *       "ble": {"setDeviceClock": true}, "coap": {"maxPayloadBytes": 8192}, "reporting":
 *       {"statusIntervalSeconds": 60}, "note": "…"}}, every part optional: issues the next version and publishes
 *       it. Without {@code devices} the allow-list follows the device registry (the devices installed at the hub)
 *       and a new version is issued whenever that changes. 400 names the offending field; 409: the hub has no
 *       tenant yet (it registers on its first reading, or {@code PUT /admin/gateways/{gateway}/tenant});</li>
 *   <li>{@code GET /admin/gateways/{gateway}/config/history?limit=}: every version issued, newest first.</li>
 * </ul>
 * Reads: any admin role; a change: an {@code operator}. Changes are audited twice: the admin audit (who called) and
 * {@code gateway_config_audit} (every version, whoever issued it, with its document).
 */
@Controller("/admin/gateways/{gateway}/config")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
public class GatewayConfigController {


    private final GatewayConfigs configs;
    private final GatewayTenants tenants;
    private final BeanProvider<ConfigPublisher> publisher;
    /** Strict like the contract's codec: a misspelt key must not silently mean "keep the hub's local setting". */
    private final ObjectMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT).build();

    public GatewayConfigController(GatewayConfigs configs, GatewayTenants tenants,
                                   BeanProvider<ConfigPublisher> publisher) {
        this.configs = configs;
        this.tenants = tenants;
        this.publisher = publisher;
    }

    /**
     * A hub's configuration as the cloud issued it.
     *
     * @param devicesFrom      {@code registry} (the devices installed at the hub) or {@code operator} (the spec's list)
     * @param spec             what the operator asked for
     * @param document         what the hub gets, retained on its {@code config} topic
     * @param publishedVersion the last version the broker acknowledged; behind {@code version}: retried
     */
    public record ConfigView(String gateway, String tenant, long version, String devicesFrom, ConfigSpec spec,
                             GatewayConfig document, Instant updatedAt, String updatedBy, long publishedVersion) {

        static ConfigView of(StoredConfig s, long publishedVersion) {
            return new ConfigView(s.gateway(), s.tenant(), s.version(),
                    s.spec().devicesFromRegistry() ? "registry" : "operator", s.spec(), s.document(), s.updatedAt(),
                    s.updatedBy(), publishedVersion);
        }
    }

    /** Every version issued, newest first. */
    public record History(List<GatewayConfigs.Change> changes) {
    }

    /** The hub's current configuration from the cloud: the operator's spec, the issued document, whether published. */
    @ApiResponse(responseCode = "200", description = "its configuration",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConfigView.class),
                    examples = @ExampleObject(name = "heartbeat", value = "{\"gateway\": \"hub-7\", "
                            + "\"tenant\": \"acme\", \"version\": 4, \"devicesFrom\": \"registry\", \"spec\": {"
                            + "\"reporting\": {\"statusIntervalSeconds\": 60}}, \"document\": {\"v\": \"1.2\", "
                            + "\"gatewayId\": \"hub-7\", \"version\": 4, \"issuedAt\": 1796306400.000000000, "
                            + "\"devices\": {\"ble\": [\"C0:1D:00:00:00:02\"], \"coap\": [\"sn.THERMO-7\"]}, "
                            + "\"ble\": null, \"coap\": null, \"reporting\": {\"statusIntervalSeconds\": 60}}, "
                            + "\"updatedAt\": 1796306400.000000000, \"updatedBy\": \"oscar\", "
                            + "\"publishedVersion\": 4}")))
    @ApiResponse(responseCode = "400", description = "the gateway id is invalid")
    @ApiResponse(responseCode = "404", description = "the hub was never configured from the cloud")
    @Get
    public HttpResponse<?> current(@PathVariable String gateway) {
        if (!Topic.isSegment(gateway)) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'"));
        }
        return configs.current(gateway).<HttpResponse<?>>map(s -> HttpResponse.ok(ConfigView.of(s,
                s.publishedVersion()))).orElse(HttpResponse.notFound());
    }

    /**
     * Issues the hub's next configuration version and publishes it retained; without {@code devices} its allow-list
     * follows the device registry from then on. Every part optional; audited.
     */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "the version issued",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ConfigView.class),
                    examples = @ExampleObject(name = "heartbeat", value = "{\"gateway\": \"hub-7\", "
                            + "\"tenant\": \"acme\", \"version\": 4, \"devicesFrom\": \"registry\", \"spec\": {"
                            + "\"reporting\": {\"statusIntervalSeconds\": 60}}, \"document\": {\"v\": \"1.2\", "
                            + "\"gatewayId\": \"hub-7\", \"version\": 4, \"issuedAt\": 1796306400.000000000, "
                            + "\"devices\": {\"ble\": [\"C0:1D:00:00:00:02\"], \"coap\": [\"sn.THERMO-7\"]}, "
                            + "\"ble\": null, \"coap\": null, \"reporting\": {\"statusIntervalSeconds\": 60}}, "
                            + "\"updatedAt\": 1796306400.000000000, \"updatedBy\": \"oscar\", "
                            + "\"publishedVersion\": 4}")))
    @ApiResponse(responseCode = "400", description = "the body is invalid; the error names the field")
    @ApiResponse(responseCode = "409", description = "the hub has no tenant yet")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "heartbeat",
            value = "{\"reporting\": {\"statusIntervalSeconds\": 60}, \"note\": \"ticket 4711\"}")))
    @Put
    public HttpResponse<?> put(@PathVariable String gateway, @Body String body, Authentication caller) {
        if (!Topic.isSegment(gateway)) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'"));
        }
        ConfigSpec spec;
        String note;
        try {
            JsonNode tree = json.readTree(body == null || body.isBlank() ? "{}" : body);
            if (tree == null || !tree.isObject()) {
                return HttpResponse.badRequest(Map.of("error", "the body must be a JSON object"));
            }
            JsonNode noteNode = ((ObjectNode) tree).remove("note");
            note = noteNode == null || noteNode.isNull() || noteNode.asText().isBlank() ? null
                    : clip(noteNode.asText().strip());
            spec = json.treeToValue(tree, ConfigSpec.class);
        } catch (IOException | IllegalArgumentException e) {
            return HttpResponse.badRequest(Map.of("error", reason(e)));
        }
        var registration = tenants.of(gateway);
        if (registration.isEmpty()) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(Map.of("error", "gateway "
                    + gateway + " has no tenant yet: it registers on its first reading, or PUT "
                    + "/admin/gateways/{gateway}/tenant"));
        }
        StoredConfig issued;
        try {
            issued = configs.put(new Hub(registration.get().tenant(), gateway), spec, clip(caller.getName()), note);
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(Map.of("error", reason(e)));
        }
        boolean published = publisher.isPresent() && publisher.get().publish(issued);
        return HttpResponse.ok(ConfigView.of(issued, published ? issued.version() : issued.publishedVersion()));
    }

    /** Every configuration version issued for the hub, newest first: who or what issued it, when and why. */
    @ApiResponse(responseCode = "200", description = "the versions",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = History.class),
                    examples = @ExampleObject(name = "heartbeat", value = "{\"changes\": [{\"id\": 9, "
                            + "\"version\": 4, \"at\": 1796306400.000000000, \"by\": \"oscar\", "
                            + "\"cause\": \"operator\", \"note\": \"ticket 4711\"}]}")))
    @ApiResponse(responseCode = "400", description = "the gateway id or limit is invalid")
    @Get("/history")
    public HttpResponse<?> history(@PathVariable String gateway, @QueryValue(defaultValue = "100") int limit) {
        if (!Topic.isSegment(gateway) || limit < 1 || limit > 1000) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'; limit 1..1000"));
        }
        return HttpResponse.ok(new History(configs.audit(gateway, limit)));
    }

    /** The innermost message: the contract's field violation names the field. */
    private static String reason(Exception e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? e.getMessage() : t.getMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    private static String clip(String text) {
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
