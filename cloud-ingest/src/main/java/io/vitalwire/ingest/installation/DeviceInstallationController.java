package io.vitalwire.ingest.installation;

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
import java.util.regex.Pattern;

/**
 * Device installations for operators ({@code device}: the device's stable id, {@code sn.{serial}} or
 * {@code bd.{address}}):
 * <ul>
 *   <li>{@code GET /admin/devices/{device}/gateway}: the hub it is installed at (404: none recorded);</li>
 *   <li>{@code PUT /admin/devices/{device}/gateway}, body {@code {"tenant": "acme", "gateway": "hub-7", "note": "…"}}:
 *       installs it there, or moves it from its hub — the one explicit way to do so, audited;</li>
 *   <li>{@code GET /admin/devices/{device}/installations?limit=}: every change, newest first.</li>
 * </ul>
 * Readings the old hub sent meanwhile stay quarantined ({@code DEVICE_NOT_AT_GATEWAY}); those of the new hub are
 * replayed by the sweep, or at once with {@code POST /admin/quarantine/replay?device=}. Reads: any admin role;
 * an installation or move: an {@code operator} (the installer's side) or a {@code clinical-admin}. Who made a change
 * is the caller's token subject.
 */
@Controller("/admin/devices/{device}")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
public class DeviceInstallationController {

    private static final Pattern DEVICE = Pattern.compile("(sn|bd)\\.[\\x21-\\x7E]{1,192}");

    private final DeviceInstallations installations;

    public DeviceInstallationController(DeviceInstallations installations) {
        this.installations = installations;
    }

    /** A PUT's body. */
    public record Request(@Nullable String tenant, @Nullable String gateway, @Nullable String note) {
    }

    /** The hub a device is installed at, with when and by whom; 404 when none is. */
    @ApiResponse(responseCode = "200", description = "its installation",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Installation.class),
                    examples = @ExampleObject(name = "installed", value = "{\"device\": \"sn.BPC-0002\", \"hub\": {"
                            + "\"tenant\": \"acme\", \"gateway\": \"hub-7\"}, "
                            + "\"installedAt\": 1796306731.402000000, \"installedBy\": \"oscar\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such installation")
    @Get("/gateway")
    public HttpResponse<?> installation(@PathVariable String device) {
        if (!DEVICE.matcher(device).matches()) {
            return HttpResponse.badRequest("device: sn.{serial} or bd.{address}");
        }
        return installations.of(device).<HttpResponse<?>>map(HttpResponse::ok).orElse(HttpResponse.notFound());
    }

    /**
     * Installs a device at a hub (a first installation or a move), audited; its quarantined readings from that hub are
     * replayed by the next sweep.
     */
    @Secured({AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
    @ApiResponse(responseCode = "200", description = "the change, as audited",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = DeviceInstallations.Change.class),
                    examples = @ExampleObject(name = "moved", value = "{\"id\": 12, \"device\": \"sn.BPC-0002\", "
                            + "\"at\": 1796306731.402000000, \"by\": \"oscar\", \"before\": {\"tenant\": \"acme\", "
                            + "\"gateway\": \"hub-3\"}, \"after\": {\"tenant\": \"acme\", \"gateway\": \"hub-7\"}, "
                            + "\"readingKey\": null, \"note\": \"cuff moved to the patient's new hub\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "move",
            value = "{\"tenant\": \"acme\", \"gateway\": \"hub-7\", "
                    + "\"note\": \"cuff moved to the patient's new hub\"}")))
    @Put("/gateway")
    public HttpResponse<?> install(@PathVariable String device, @Body Request body, Authentication caller) {
        if (!DEVICE.matcher(device).matches()) {
            return HttpResponse.badRequest("device: sn.{serial} or bd.{address}");
        }
        if (body.tenant() == null || body.gateway() == null || !Topic.isSegment(body.tenant())
                || !Topic.isSegment(body.gateway())) {
            return HttpResponse.badRequest("tenant and gateway: as in the topic (letters, digits, '_', '-')");
        }
        String who = caller.getName();
        String note = body.note() == null || body.note().isBlank() ? null : body.note().strip();
        return HttpResponse.ok(installations.install(device, new Hub(body.tenant(), body.gateway()),
                clip(who), note == null ? null : clip(note)));
    }

    /** The device's installation changes, newest first. */
    @ApiResponse(responseCode = "200", description = "newest first",
            content = @Content(mediaType = "application/json",
                    array = @ArraySchema(schema = @Schema(implementation = DeviceInstallations.Change.class)),
                    examples = @ExampleObject(name = "moved", value = "[{\"id\": 12, \"device\": \"sn.BPC-0002\", "
                            + "\"at\": 1796306731.402000000, \"by\": \"oscar\", \"before\": {\"tenant\": \"acme\", "
                            + "\"gateway\": \"hub-3\"}, \"after\": {\"tenant\": \"acme\", \"gateway\": \"hub-7\"}, "
                            + "\"readingKey\": null, \"note\": \"cuff moved to the patient's new hub\"}]")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get("/installations")
    public HttpResponse<?> audit(@PathVariable String device, @QueryValue(defaultValue = "100") int limit) {
        if (!DEVICE.matcher(device).matches() || limit < 1 || limit > 1000) {
            return HttpResponse.badRequest("device: sn.{serial} or bd.{address}; limit 1..1000");
        }
        return HttpResponse.ok(installations.audit(device, limit));
    }

    private static String clip(String text) {
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
