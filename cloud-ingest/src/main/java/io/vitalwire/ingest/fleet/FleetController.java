package io.vitalwire.ingest.fleet;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
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
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.operations.OperationsConfig;
import io.vitalwire.ingest.security.AdminRoles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/fleet}: for operators, every hub with whether it is online, when it was last heard of, its
 * backlog, software, devices and their batteries, page by page in (tenant, gateway) order. Filters: {@code tenant};
 * {@code offlineForMoreThan}, an ISO-8601 duration ({@code PT6H}, {@code P2D}): hubs not heard of (neither state
 * message nor heartbeat) for longer than that. Pages: {@code limit} (default 100, at most 1000) and {@code after}
 * (the previous page's {@code next}). Any admin role reads it.
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/fleet")
@ExecuteOn(TaskExecutors.BLOCKING)
public class FleetController {

    private static final int MAX_LIMIT = 1000;

    private final FleetStore store;
    private final OperationsConfig operations;
    private final Clock clock;

    public FleetController(FleetStore store, OperationsConfig operations, Clock clock) {
        this.store = store;
        this.operations = operations;
        this.clock = clock;
    }

    /** Whether a hub can be reached, as the fleet view judges it. */
    public enum Status {
        /** Its last state message said online, and it was heard of within {@code operations.offline-after}. */
        ONLINE,
        /** Its last will or clean shutdown said offline, or it has been silent longer than offline-after. */
        OFFLINE,
        /** Registered to its tenant (an operator, or its first reading) but no state or heartbeat ever came. */
        NEVER_HEARD
    }

    /** One page; {@code next}: the {@code after} of the next page, null on the last. */
    public record FleetPage(List<HubView> hubs, String next) {
    }

    /**
     * A hub; times ISO-8601 UTC, null when they did not happen.
     *
     * @param state              ONLINE / OFFLINE as its last state message (or a heartbeat after it) says
     * @param silentForSeconds   since {@code lastSeen}, by cloud-ingest's clock
     * @param backlog            readings its buffer held unsent at its last heartbeat ({@code backlogAsOf})
     * @param oldestUnsentMillis age of the oldest of them then
     * @param configVersion      the configuration version it applied, as its last heartbeat reported it (null: it
     *                           runs on its local configuration, or its contract is older than 1.2)
     * @param configIssued       the latest configuration version cloud-ingest issued for it (null: nobody configured
     *                           it from the cloud); behind {@code configVersion}'s, the hub has not applied it yet
     */
    public record HubView(String tenant, String gateway, Status status, String state, String stateSince,
                          String lastSeen, Long silentForSeconds, Long backlog, Long oldestUnsentMillis,
                          String backlogAsOf, String uplink, String softwareVersion, Long configVersion,
                          Long configIssued, List<DeviceView> devices) {
    }

    /** A device installed at the hub and its battery as last reported (level null: never reported). */
    public record DeviceView(String device, String installedAt, Integer batteryLevel, String batteryReportedAt) {
    }

    /**
     * Every hub with whether it is online (state messages and heartbeats), when last seen, its backlog, software and
     * devices with their batteries; by tenant and by how long offline, in keyset pages.
     */
    @ApiResponse(responseCode = "200", description = "a page of hubs",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = FleetPage.class),
                    examples = @ExampleObject(name = "one hub", value = "{\"hubs\": [{\"tenant\": \"acme\", "
                            + "\"gateway\": \"hub-7\", \"status\": \"OFFLINE\", \"state\": \"OFFLINE\", "
                            + "\"stateSince\": \"2026-12-03T06:41:12.311Z\", "
                            + "\"lastSeen\": \"2026-12-03T06:41:12.311Z\", \"silentForSeconds\": 25730, "
                            + "\"backlog\": 42, \"oldestUnsentMillis\": 90000, "
                            + "\"backlogAsOf\": \"2026-12-03T06:40:55.002Z\", \"uplink\": \"connected\", "
                            + "\"softwareVersion\": \"1.4.1\", \"configVersion\": 3, \"configIssued\": 4, "
                            + "\"devices\": [{\"device\": \"sn.BPC-0002\", "
                            + "\"installedAt\": \"2026-11-20T10:02:00Z\", \"batteryLevel\": 64, "
                            + "\"batteryReportedAt\": \"2026-12-03T06:30:00Z\"}]}], \"next\": \"YWNtZS9odWItNw\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter is invalid; the text says which")
    @Get(produces = "application/json")
    public HttpResponse<?> fleet(@Nullable @QueryValue String tenant, @Nullable @QueryValue String offlineForMoreThan,
                                 @QueryValue(defaultValue = "100") int limit, @Nullable @QueryValue String after)
            throws SQLException {
        if (tenant != null && !Topic.isSegment(tenant)) {
            return HttpResponse.badRequest("tenant: as in the topic (letters, digits, '_', '-')");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("limit: 1.." + MAX_LIMIT);
        }
        Optional<FleetCursor> cursor = after == null ? Optional.of(FleetCursor.START) : FleetCursor.decode(after);
        if (cursor.isEmpty()) {
            return HttpResponse.badRequest("after: the previous page's next");
        }
        Instant now = clock.instant();
        Instant silentBefore = null;
        if (offlineForMoreThan != null) {
            Optional<Duration> offlineFor = duration(offlineForMoreThan);
            if (offlineFor.isEmpty()) {
                return HttpResponse.badRequest("offlineForMoreThan: an ISO-8601 duration such as PT6H or P2D");
            }
            silentBefore = now.minus(offlineFor.get());
        }
        List<FleetStore.StoredHub> found = store.find(new FleetStore.Query(tenant, silentBefore, cursor.get(),
                limit + 1));
        List<HubView> hubs = found.subList(0, Math.min(limit, found.size())).stream().map(h -> view(h, now)).toList();
        String next = found.size() > limit
                ? new FleetCursor(hubs.get(limit - 1).tenant(), hubs.get(limit - 1).gateway()).encode() : null;
        MutableHttpResponse<FleetPage> response = HttpResponse.ok(new FleetPage(hubs, next));
        if (next != null) {
            response.header(HttpHeaders.LINK, "</admin/fleet?" + (tenant == null ? "" : "tenant=" + tenant + "&")
                    + (offlineForMoreThan == null ? "" : "offlineForMoreThan="
                    + URLEncoder.encode(offlineForMoreThan, StandardCharsets.UTF_8) + "&")
                    + "limit=" + limit + "&after=" + next + ">; rel=\"next\"");
        }
        return response;
    }

    private HubView view(FleetStore.StoredHub h, Instant now) {
        Status status;
        if (h.state() == null) {
            status = Status.NEVER_HEARD;
        } else if ("ONLINE".equals(h.state()) && !h.lastHeardAt().isBefore(now.minus(operations.getOfflineAfter()))) {
            status = Status.ONLINE;
        } else {
            status = Status.OFFLINE;
        }
        Long silentFor = h.lastHeardAt() == null ? null : Math.max(0, Duration.between(h.lastHeardAt(), now)
                .toSeconds());
        List<DeviceView> devices = h.devices().stream().map(d -> new DeviceView(d.device(), text(d.installedAt()),
                d.battery(), text(d.batteryReportedAt()))).toList();
        return new HubView(h.tenant(), h.gateway(), status, h.state(), text(h.stateSince()), text(h.lastHeardAt()),
                silentFor, h.queueDepth(), h.oldestUnsentMillis(), text(h.lastStatusAt()), h.uplink(), h.software(),
                h.configVersion(), h.configIssued(), devices);
    }

    /** A positive ISO-8601 duration. */
    private static Optional<Duration> duration(String text) {
        try {
            Duration d = Duration.parse(text);
            return d.isNegative() ? Optional.empty() : Optional.of(d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
