package io.vitalwire.ingest.notify;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.security.AdminRoles;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The clinician webhook endpoints, for operators:
 * <ul>
 *   <li>{@code POST /admin/webhooks/endpoints} {@code {"url", "secret"?, "tenants"?, "kinds"?, "minSeverity"?}}: a
 *       new endpoint, enabled; answers it with its signing secret (generated when not given), the one time the
 *       secret is shown;</li>
 *   <li>{@code GET /admin/webhooks/endpoints}, {@code GET /admin/webhooks/endpoints/{id}}: endpoints with their
 *       filters, state and secrets' dates, never a secret;</li>
 *   <li>{@code PATCH /admin/webhooks/endpoints/{id}} {@code {"tenants"?, "kinds"?, "minSeverity"?, "enabled"?}}: the
 *       fields given change; {@code enabled: true} also takes back an endpoint that answered 410;</li>
 *   <li>{@code POST /admin/webhooks/endpoints/{id}/secrets} {@code {"secret"?}}: rotation, a new secret (shown once)
 *       that signs beside the previous one for {@link NotifyConfig#getSecretOverlap()};</li>
 *   <li>{@code DELETE /admin/webhooks/endpoints/{id}}: deleted, its secrets erased, its pending deliveries
 *       dead-lettered (its deliveries stay listed).</li>
 * </ul>
 * Changes: {@code clinical-admin}; reads: every admin role (AdminRoles).
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/webhooks/endpoints")
@ExecuteOn(TaskExecutors.BLOCKING)
public class WebhookEndpointController {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]", "::1", "localhost");
    private static final int MAX_URL = 2000;

    private final EndpointStore store;
    private final DeliverySignals signals;
    private final NotifyConfig config;
    private final Clock clock;

    WebhookEndpointController(EndpointStore store, DeliverySignals signals, NotifyConfig config, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.config = config;
        this.clock = clock;
    }

    /** A POST's body. */
    public record Create(String url, @Nullable String secret, @Nullable List<String> tenants,
                         @Nullable List<String> kinds, @Nullable String minSeverity) {
    }

    /** A PATCH's body: absent fields stay as they are. */
    public record Change(@Nullable List<String> tenants, @Nullable List<String> kinds, @Nullable String minSeverity,
                         @Nullable Boolean enabled) {
    }

    /** A rotation's body. */
    public record Rotate(@Nullable String secret) {
    }

    /** An endpoint with the secret just made: the only answer that holds it. */
    public record WithSecret(WebhookEndpoint endpoint, String secret) {
    }

    /** Every endpoint. */
    public record Endpoints(List<WebhookEndpoint> endpoints) {
    }

    /** What a deletion did. */
    public record Deleted(UUID id, int deadLettered) {
    }

    /**
     * Registers a clinician's webhook endpoint for a tenant's alerts; the answer holds its signing secret, shown this
     * once.
     */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "201", description = "the endpoint, with its secret",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WithSecret.class),
                    examples = @ExampleObject(name = "created", value = "{\"endpoint\": {"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", "
                            + "\"url\": \"https://alerts.clinic.example/vitalwire\", \"filters\": {"
                            + "\"tenants\": [\"acme\"], \"kinds\": [\"clinical\"], \"minSeverity\": \"warning\"}, "
                            + "\"state\": \"ENABLED\", \"stateReason\": null, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"updatedAt\": \"2026-12-01T09:12:44.018Z\", \"secrets\": [{\"id\": 5, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", \"expiresAt\": null}]}, "
                            + "\"secret\": \"whsec_q5Yb0m3TzH8vW1kR9cN2xL7pF4aJ6dE0sU3gB8iO1nM=\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "clinic",
            value = "{\"url\": \"https://alerts.clinic.example/vitalwire\", \"tenants\": [\"acme\"], "
                    + "\"kinds\": [\"clinical\"], \"minSeverity\": \"warning\"}")))
    @Post
    public HttpResponse<?> create(@Body Create body) {
        Optional<String> badUrl = invalidUrl(body.url());
        if (badUrl.isPresent()) {
            return HttpResponse.badRequest(badUrl.get());
        }
        Filters filters;
        SigningSecret secret;
        try {
            filters = new Filters(body.tenants(), body.kinds(), body.minSeverity());
            secret = body.secret() == null ? SigningSecret.generate() : SigningSecret.parse(body.secret());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(e.getMessage());
        }
        WebhookEndpoint created = store.create(body.url(), filters, secret, clock.instant());
        return HttpResponse.created(new WithSecret(created, secret.text()));
    }

    /** Every webhook endpoint, without secrets. */
    @ApiResponse(responseCode = "200", description = "every endpoint",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Endpoints.class),
                    examples = @ExampleObject(name = "one endpoint", value = "{\"endpoints\": [{"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", "
                            + "\"url\": \"https://alerts.clinic.example/vitalwire\", \"filters\": {"
                            + "\"tenants\": [\"acme\"], \"kinds\": [\"clinical\"], \"minSeverity\": \"warning\"}, "
                            + "\"state\": \"ENABLED\", \"stateReason\": null, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"updatedAt\": \"2026-12-01T09:12:44.018Z\", \"secrets\": [{\"id\": 5, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", \"expiresAt\": null}]}]}")))
    @Get
    public Endpoints list() {
        return new Endpoints(store.list(clock.instant()));
    }

    /** One webhook endpoint, without its secret; 404 when unknown. */
    @ApiResponse(responseCode = "200", description = "the endpoint",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = WebhookEndpoint.class),
                    examples = @ExampleObject(name = "enabled", value = "{"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", "
                            + "\"url\": \"https://alerts.clinic.example/vitalwire\", \"filters\": {"
                            + "\"tenants\": [\"acme\"], \"kinds\": [\"clinical\"], \"minSeverity\": \"warning\"}, "
                            + "\"state\": \"ENABLED\", \"stateReason\": null, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"updatedAt\": \"2026-12-01T09:12:44.018Z\", \"secrets\": [{\"id\": 5, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", \"expiresAt\": null}]}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such endpoint")
    @Get("/{id}")
    public HttpResponse<?> get(@PathVariable String id) {
        Optional<UUID> endpoint = id(id);
        if (endpoint.isEmpty()) {
            return HttpResponse.badRequest("id: a UUID");
        }
        return store.find(endpoint.get(), clock.instant()).<HttpResponse<?>>map(HttpResponse::ok)
                .orElse(HttpResponse.notFound());
    }

    /** Changes an endpoint's URL, events or enabled state; absent fields stay as they are. */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "200", description = "the endpoint as changed",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = WebhookEndpoint.class),
                    examples = @ExampleObject(name = "critical only", value = "{"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", "
                            + "\"url\": \"https://alerts.clinic.example/vitalwire\", \"filters\": {"
                            + "\"tenants\": [\"acme\"], \"kinds\": [\"clinical\"], \"minSeverity\": \"critical\"}, "
                            + "\"state\": \"ENABLED\", \"stateReason\": null, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"updatedAt\": \"2026-12-03T11:40:27.650Z\", \"secrets\": [{\"id\": 5, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", \"expiresAt\": null}]}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such endpoint")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "critical only",
            value = "{\"minSeverity\": \"critical\", \"enabled\": true}")))
    @Patch("/{id}")
    public HttpResponse<?> change(@PathVariable String id, @Body Change body) {
        Optional<UUID> endpoint = id(id);
        if (endpoint.isEmpty()) {
            return HttpResponse.badRequest("id: a UUID");
        }
        Optional<WebhookEndpoint> current = store.find(endpoint.get(), clock.instant());
        if (current.isEmpty()) {
            return HttpResponse.notFound();
        }
        Filters was = current.get().filters();
        Filters filters;
        try {
            filters = new Filters(body.tenants() == null ? was.tenants() : body.tenants(),
                    body.kinds() == null ? was.kinds() : body.kinds(),
                    body.minSeverity() == null ? was.minSeverity() : body.minSeverity());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(e.getMessage());
        }
        if (!filters.equals(was)) {
            store.setFilters(endpoint.get(), filters, clock.instant());
        }
        if (Boolean.TRUE.equals(body.enabled()) && store.enable(endpoint.get(), clock.instant())) {
            // What waited for it goes now.
            signals.wake();
        } else if (Boolean.FALSE.equals(body.enabled())) {
            store.disable(endpoint.get(), clock.instant());
        }
        return store.find(endpoint.get(), clock.instant()).<HttpResponse<?>>map(HttpResponse::ok)
                .orElse(HttpResponse.notFound());
    }

    /**
     * Rotates the endpoint's signing secret: the new one signs from now on, the old one beside it until it expires, so
     * receivers can switch without losing a delivery.
     */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "201", description = "the endpoint, with its new secret",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WithSecret.class),
                    examples = @ExampleObject(name = "rotated", value = "{\"endpoint\": {"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", "
                            + "\"url\": \"https://alerts.clinic.example/vitalwire\", \"filters\": {"
                            + "\"tenants\": [\"acme\"], \"kinds\": [\"clinical\"], \"minSeverity\": \"warning\"}, "
                            + "\"state\": \"ENABLED\", \"stateReason\": null, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"updatedAt\": \"2026-12-03T11:45:02.118Z\", \"secrets\": [{\"id\": 6, "
                            + "\"createdAt\": \"2026-12-03T11:45:02.118Z\", \"expiresAt\": null}, {\"id\": 5, "
                            + "\"createdAt\": \"2026-12-01T09:12:44.018Z\", "
                            + "\"expiresAt\": \"2026-12-04T11:45:02.118Z\"}]}, "
                            + "\"secret\": \"whsec_W8dK2pQ7vR1zN5tY9mC3hF6bL0xJ4gS8aE2uI7oT5kM=\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such endpoint")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "generated",
            value = "{}")))
    @Post("/{id}/secrets")
    public HttpResponse<?> rotate(@PathVariable String id, @Nullable @Body Rotate body) {
        Optional<UUID> endpoint = id(id);
        if (endpoint.isEmpty()) {
            return HttpResponse.badRequest("id: a UUID");
        }
        SigningSecret secret;
        try {
            secret = body == null || body.secret() == null ? SigningSecret.generate()
                    : SigningSecret.parse(body.secret());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(e.getMessage());
        }
        return store.rotate(endpoint.get(), secret, config.getSecretOverlap(), clock.instant())
                .<HttpResponse<?>>map(e -> HttpResponse.created(new WithSecret(e, secret.text())))
                .orElse(HttpResponse.notFound());
    }

    /** Deletes the endpoint; deliveries still owed to it are dead-lettered (counted in the answer). */
    @Secured(AdminRoles.CLINICAL_ADMIN)
    @ApiResponse(responseCode = "200", description = "what the deletion did",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Deleted.class),
                    examples = @ExampleObject(name = "deleted", value = "{"
                            + "\"id\": \"3f2b8c1e-5d4a-4b7e-9c61-0a8e2f4d7b19\", \"deadLettered\": 2}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such endpoint")
    @Delete("/{id}")
    public HttpResponse<?> delete(@PathVariable String id) {
        Optional<UUID> endpoint = id(id);
        if (endpoint.isEmpty()) {
            return HttpResponse.badRequest("id: a UUID");
        }
        return store.delete(endpoint.get(), clock.instant())
                .<HttpResponse<?>>map(n -> HttpResponse.ok(new Deleted(endpoint.get(), n)))
                .orElse(HttpResponse.notFound());
    }

    /**
     * Why the URL cannot be an endpoint: https only (alerts name patients), plain http to loopback for local
     * receivers or where {@link NotifyConfig#isAllowHttp()}; no credentials in it (the secret is what authenticates
     * a delivery, and URLs are listed).
     */
    private Optional<String> invalidUrl(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL) {
            return Optional.of("url: an https URL of at most " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("url: not a URL (" + e.getReason() + ")");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("url: an absolute URL with a host, no user info, no fragment");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT));
        if (scheme.equals("https") || (scheme.equals("http") && (loopback || config.isAllowHttp()))) {
            return Optional.empty();
        }
        return Optional.of("url: https only (plain http to loopback, or with vitalwire.ingest.notify.allow-http)");
    }

    private static Optional<UUID> id(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
