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
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Page.class)))
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
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DeliveryView.class)))
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
