package io.vitalwire.ingest.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.security.AdminRoles;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /admin/gateways/{id}/events?type=&before=&limit=}: for operators, what a gateway reported (gaps in
 * particular), newest first, a page at a time: {@code next} is the {@code before} of the next page, {@code null} on
 * the last one. Every admin role reads it (AdminRoles).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/gateways")
@ExecuteOn(TaskExecutors.BLOCKING)
public class GatewayEventController {

    private static final int MAX_LIMIT = 500;
    private static final Pattern TYPE = Pattern.compile("[a-z0-9-]{1,40}");

    private final GatewayEventStore store;

    public GatewayEventController(GatewayEventStore store) {
        this.store = store;
    }

    /** An event as the admin API shows it (attributes hold no patient data, by the contract). */
    public record EventView(long id, String receivedAt, String tenant, String gatewayId, String type, String at,
                            Map<String, String> attributes) {

        static EventView of(GatewayEventStore.StoredEvent e) {
            return new EventView(e.id(), e.receivedAt().toString(), e.tenant(), e.gatewayId(), e.type(),
                    e.at().toString(), e.attributes());
        }
    }

    /** One page of events; {@code next} is the {@code before} of the following page, {@code null} at the end. */
    public record Page(List<EventView> events, Long next) {
    }

    /**
     * A page of a gateway's events (gaps, device connections, batteries, refused readings and devices), newest first,
     * by type.
     */
    @ApiResponse(responseCode = "200", description = "a page of events",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Page.class),
                    examples = @ExampleObject(name = "battery", value = "{\"events\": [{\"id\": 5521, "
                            + "\"receivedAt\": \"2026-12-03T06:30:01.207Z\", \"tenant\": \"acme\", "
                            + "\"gatewayId\": \"hub-7\", \"type\": \"device-battery\", "
                            + "\"at\": \"2026-12-03T06:30:00Z\", \"attributes\": {\"device\": \"sn.BPC-0002\", "
                            + "\"level\": \"64\"}}], \"next\": 5521}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get("/{id}/events")
    public HttpResponse<?> events(@PathVariable String id, @Nullable @QueryValue String type,
                                  @Nullable @QueryValue Long before, @QueryValue(defaultValue = "50") int limit) {
        if (!Topic.isSegment(id) || (type != null && !TYPE.matcher(type).matches())
                || limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("id must be a gateway id, type kebab-case, limit 1.." + MAX_LIMIT);
        }
        List<GatewayEventStore.StoredEvent> events = store.list(id, type, before == null ? Long.MAX_VALUE : before,
                limit);
        Long next = events.size() < limit ? null : events.get(events.size() - 1).id();
        return HttpResponse.ok(new Page(events.stream().map(EventView::of).toList(), next));
    }
}
