package io.vitalwire.ingest.notify;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.security.AdminRoles;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The webhook outbox, for operators:
 * <ul>
 *   <li>{@code GET /admin/webhooks/deliveries?state=dead|pending|delivered&endpoint=&before=&limit=}: deliveries,
 *       newest first, a page at a time ({@code next} is the {@code before} of the next page, {@code null} on the
 *       last); the dead-letter list is {@code state=dead};</li>
 *   <li>{@code POST /admin/webhooks/deliveries/{id}/replay}: a dead delivery pending again, due now, with a fresh
 *       count of attempts and the same webhook-id; 409 when it is not dead or its endpoint is not enabled.</li>
 * </ul>
 * Replays: {@code operator}; reads: every admin role (AdminRoles).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/webhooks/deliveries")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhookDeliveryController {

    private static final int MAX_LIMIT = 500;

    private final DeliveryStore store;
    private final DeliverySignals signals;
    private final Clock clock;

    WebhookDeliveryController(DeliveryStore store, DeliverySignals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    /** One page of deliveries; {@code next} is the {@code before} of the following page, {@code null} at the end. */
    public record Page(List<DeliveryView> deliveries, Long next) {
    }

    /** A page of webhook deliveries, newest first, by state and endpoint (dead ones are the operator's worklist). */
    @ApiResponse(responseCode = "200", description = "a page of deliveries",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Page.class),
                    examples = @ExampleObject(name = "dead", value = "{\"deliveries\": [{\"id\": 904, "
                            + "\"webhookId\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", "
                            + "\"alertId\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", \"event\": \"alert.raised\", "
                            + "\"endpointId\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", \"state\": \"DEAD\", "
                            + "\"attempts\": 10, \"createdAt\": \"2026-12-01T08:00:06.120Z\", "
                            + "\"nextAt\": \"2026-12-03T02:11:40.503Z\", "
                            + "\"lastAttemptAt\": \"2026-12-03T02:11:40.503Z\", \"lastStatus\": 503, "
                            + "\"lastError\": \"HTTP 503\", \"deliveredAt\": null, "
                            + "\"reason\": \"no 2xx after 10 attempts\", \"replayedAt\": null}], \"next\": 904}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get
    public HttpResponse<?> list(@Nullable @QueryValue String state, @Nullable @QueryValue String endpoint,
                                @Nullable @QueryValue Long before, @QueryValue(defaultValue = "50") int limit) {
        DeliveryState wanted = null;
        UUID endpointId = null;
        try {
            if (state != null) {
                wanted = DeliveryState.valueOf(state.toUpperCase(Locale.ROOT));
            }
            if (endpoint != null) {
                endpointId = UUID.fromString(endpoint);
            }
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest("state: pending, delivered or dead; endpoint: a UUID");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("limit must be 1.." + MAX_LIMIT);
        }
        List<DeliveryView> deliveries = store.list(wanted, endpointId, before == null ? Long.MAX_VALUE : before,
                limit);
        Long next = deliveries.size() < limit ? null : deliveries.get(deliveries.size() - 1).id();
        return HttpResponse.ok(new Page(deliveries, next));
    }

    /** Sends a dead delivery again (same webhook-id, so receivers deduplicate it). */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "the delivery, due again",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeliveryView.class),
                    examples = @ExampleObject(name = "due again", value = "{\"id\": 904, "
                            + "\"webhookId\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", "
                            + "\"alertId\": \"5b1d7e0a-8c3f-4e29-a6b4-2f9d1c7e8a53\", \"event\": \"alert.raised\", "
                            + "\"endpointId\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", \"state\": \"PENDING\", "
                            + "\"attempts\": 0, \"createdAt\": \"2026-12-01T08:00:06.120Z\", "
                            + "\"nextAt\": \"2026-12-03T15:20:02.007Z\", "
                            + "\"lastAttemptAt\": \"2026-12-03T02:11:40.503Z\", \"lastStatus\": null, "
                            + "\"lastError\": null, \"deliveredAt\": null, \"reason\": null, "
                            + "\"replayedAt\": \"2026-12-03T15:20:02.007Z\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such delivery")
    @ApiResponse(responseCode = "409", description = "the delivery is not dead, or its endpoint is not enabled")
    @Post("/{id}/replay")
    public HttpResponse<?> replay(@PathVariable long id) {
        return switch (store.replay(id, clock.instant())) {
            case REPLAYED -> {
                signals.wake();
                yield HttpResponse.ok(store.find(id).orElseThrow());
            }
            case UNKNOWN -> HttpResponse.notFound();
            case NOT_DEAD -> HttpResponse.status(HttpStatus.CONFLICT).body("delivery " + id + " is not dead");
            case ENDPOINT_NOT_ENABLED -> HttpResponse.status(HttpStatus.CONFLICT)
                    .body("delivery " + id + ": its endpoint is not enabled; enable it first (PATCH enabled: true)");
        };
    }
}
