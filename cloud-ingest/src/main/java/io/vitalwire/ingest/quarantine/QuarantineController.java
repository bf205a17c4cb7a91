package io.vitalwire.ingest.quarantine;

import io.micronaut.core.annotation.Nullable;
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
import io.vitalwire.ingest.security.AdminRoles;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /admin/quarantine?reason=&device=&before=&limit=}: for operators, what was set aside, newest first,
 * filtered by reason and device (serial or BLE address), a page at a time: {@code next} is the {@code before} of
 * the next page, {@code null} on the last one. Every admin role reads it (AdminRoles).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/quarantine")
@ExecuteOn(TaskExecutors.BLOCKING)
public class QuarantineController {

    private static final int MAX_LIMIT = 500;

    private final QuarantineStore store;

    public QuarantineController(QuarantineStore store) {
        this.store = store;
    }

    /** One page of entries; {@code next} is the {@code before} of the following page, {@code null} at the end. */
    public record Page(List<QuarantineView> entries, Long next) {
    }

    /** A page of quarantine entries, newest first, by reason and device, without payloads. */
    @ApiResponse(responseCode = "200", description = "a page of entries",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Page.class),
                    examples = @ExampleObject(name = "unassigned", value = "{\"entries\": [{\"id\": 3188, "
                            + "\"at\": \"2026-12-03T09:14:02.331Z\", "
                            + "\"topic\": \"vitalwire/v1/acme/hub-7/readings\", "
                            + "\"readingKey\": \"hub-7/sn.SCALE-0009/s12/188736\", \"device\": \"sn.SCALE-0009\", "
                            + "\"reason\": \"UNASSIGNED_DEVICE\", \"detail\": \"Device/58 has no patient\", "
                            + "\"state\": \"AWAITING\", \"attempts\": 1, \"replayedAt\": null, "
                            + "\"replayResult\": null}], \"next\": 3188}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get
    public HttpResponse<?> list(@Nullable @QueryValue String reason, @Nullable @QueryValue String device,
                                @Nullable @QueryValue Long before, @QueryValue(defaultValue = "50") int limit) {
        QuarantineReason wanted = null;
        if (reason != null) {
            if (Arrays.stream(QuarantineReason.values()).noneMatch(r -> r.name().equals(reason))) {
                return HttpResponse.badRequest("unknown reason; one of " + Arrays.toString(QuarantineReason.values()));
            }
            wanted = QuarantineReason.valueOf(reason);
        }
        if (limit < 1 || limit > MAX_LIMIT || (device != null && (device.isBlank() || device.length() > 64))) {
            return HttpResponse.badRequest("limit must be 1.." + MAX_LIMIT + ", device 1..64 characters");
        }
        List<QuarantineStore.Entry> entries = store.listWithoutPayloads(new QuarantineStore.Filter(wanted, device),
                before == null ? Long.MAX_VALUE : before, limit);
        Long next = entries.size() < limit ? null : entries.get(entries.size() - 1).id();
        return HttpResponse.ok(new Page(entries.stream().map(QuarantineView::of).toList(), next));
    }
}
