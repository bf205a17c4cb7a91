package io.vitalwire.ingest.operations;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.security.AdminRoles;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /admin/gateways/{id}/presence}: for operators, whether a gateway is online and when it was last heard
 * of, one entry per tenant that has a gateway of this id. Every admin role reads it (AdminRoles).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/gateways")
@ExecuteOn(TaskExecutors.BLOCKING)
public class PresenceController {


    private final PresenceStore store;

    public PresenceController(PresenceStore store) {
        this.store = store;
    }

    /** A gateway's presence as the admin API shows it; times ISO-8601 UTC, null when they did not happen. */
    public record PresenceView(String tenant, String gateway, String state, String stateSince, String software,
                               String lastStatusAt, Long queueDepth, Long oldestUnsentMillis, String uplink,
                               String lastHeardAt, String offlineAlertedFor) {

        static PresenceView of(PresenceStore.Presence p) {
            return new PresenceView(p.tenant(), p.gateway(), p.state().name(), text(p.stateSince()), p.software(),
                    text(p.lastStatusAt()), p.queueDepth(), p.oldestUnsentMillis(), p.uplink(),
                    text(p.lastHeardAt()), text(p.offlineAlertedFor()));
        }

        private static String text(Instant at) {
            return at == null ? null : at.toString();
        }
    }

    /** Whether a gateway is online and when it was last heard of, one entry per tenant with a gateway of this id. */
    @ApiResponse(responseCode = "200", description = "one entry per tenant with a gateway of this id",
            content = @Content(mediaType = "application/json",
                    array = @ArraySchema(schema = @Schema(implementation = PresenceView.class)),
                    examples = @ExampleObject(name = "online", value = "[{\"tenant\": \"acme\", "
                            + "\"gateway\": \"hub-7\", \"state\": \"ONLINE\", "
                            + "\"stateSince\": \"2026-12-03T06:41:12.311Z\", \"software\": \"1.4.1\", "
                            + "\"lastStatusAt\": \"2026-12-03T14:10:55.002Z\", \"queueDepth\": 0, "
                            + "\"oldestUnsentMillis\": 0, \"uplink\": \"connected\", "
                            + "\"lastHeardAt\": \"2026-12-03T14:10:55.002Z\", \"offlineAlertedFor\": null}]")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get("/{id}/presence")
    public HttpResponse<?> presence(@PathVariable String id) throws SQLException {
        if (!Topic.isSegment(id)) {
            return HttpResponse.badRequest("id must be a gateway id");
        }
        List<PresenceView> found = store.find(id).stream().map(PresenceView::of).toList();
        return HttpResponse.ok(found);
    }
}
