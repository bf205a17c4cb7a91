package io.vitalwire.ingest.gatewayconfig;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micronaut.context.BeanProvider;
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
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.security.AdminRoles;
import io.vitalwire.ingest.tenancy.GatewayTenants;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

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

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

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

    @Get
    public HttpResponse<?> current(@PathVariable String gateway) {
        if (!SEGMENT.matcher(gateway).matches()) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'"));
        }
        return configs.current(gateway).<HttpResponse<?>>map(s -> HttpResponse.ok(view(s)))
                .orElse(HttpResponse.notFound());
    }

    @Secured(AdminRoles.OPERATOR)
    @Put
    public HttpResponse<?> put(@PathVariable String gateway, @Body String body, Authentication caller) {
        if (!SEGMENT.matcher(gateway).matches()) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'"));
        }
        ConfigSpec spec;
        String note;
        try {
            JsonNode tree = json.readTree(body == null || body.isBlank() ? "{}" : body);
            if (tree == null || !tree.isObject()) {
                return HttpResponse.badRequest(Map.of("error", "the body must be a JSON object"));
            }
            JsonNode noteNode = ((com.fasterxml.jackson.databind.node.ObjectNode) tree).remove("note");
            note = noteNode == null || noteNode.isNull() || noteNode.asText().isBlank() ? null
                    : clip(noteNode.asText().strip());
            spec = json.treeToValue(tree, ConfigSpec.class);
        } catch (IOException | IllegalArgumentException e) {
            return HttpResponse.badRequest(Map.of("error", reason(e)));
        }
        var registration = tenants.of(gateway);
        if (registration.isEmpty()) {
            return HttpResponse.status(io.micronaut.http.HttpStatus.CONFLICT).body(Map.of("error", "gateway "
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
        Map<String, Object> view = view(issued);
        view.put("publishedVersion", published ? issued.version() : issued.publishedVersion());
        return HttpResponse.ok(view);
    }

    @Get("/history")
    public HttpResponse<?> history(@PathVariable String gateway, @QueryValue(defaultValue = "100") int limit) {
        if (!SEGMENT.matcher(gateway).matches() || limit < 1 || limit > 1000) {
            return HttpResponse.badRequest(Map.of("error", "gateway: letters, digits, '_', '-'; limit 1..1000"));
        }
        return HttpResponse.ok(Map.of("changes", configs.audit(gateway, limit)));
    }

    private static Map<String, Object> view(StoredConfig s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("gateway", s.gateway());
        view.put("tenant", s.tenant());
        view.put("version", s.version());
        view.put("devicesFrom", s.spec().devicesFromRegistry() ? "registry" : "operator");
        view.put("spec", s.spec());
        view.put("document", s.document());
        view.put("updatedAt", s.updatedAt());
        view.put("updatedBy", s.updatedBy());
        view.put("publishedVersion", s.publishedVersion());
        return view;
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
