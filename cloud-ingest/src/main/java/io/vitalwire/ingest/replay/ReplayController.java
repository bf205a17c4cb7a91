package io.vitalwire.ingest.replay;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.security.AdminRoles;
import java.util.Arrays;
import java.util.List;

/**
 * {@code POST /admin/quarantine/replay}, an operator's replay, with exactly one of:
 * <ul>
 *   <li>{@code ?device=<serial or BLE address>}: the device's entries of the reasons a configuration change cures,
 *       now, e.g. right after an operator assigned it (the periodic sweep would get there within its interval);</li>
 *   <li>{@code ?entry=<id>} (repeatable, at most {@value #MAX_LIMIT}): those entries, whatever their reason;</li>
 *   <li>{@code ?reason=<REASON>&limit=<n>}: up to {@code n} (1..{@value #MAX_LIMIT}, default 100) entries of that
 *       reason awaiting replay, oldest first — after a fix of what refused them.</li>
 * </ul>
 * Each entry is judged again by the check it failed ({@link QuarantineReplay}); the answer has the counts and, per
 * entry, its outcome; every entry judged is audited ({@code quarantine_replay_audit}) with the caller's token
 * subject. A failure (FHIR down) answers 5xx and leaves the entries as they were.
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/quarantine/replay")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReplayController {

    static final int MAX_LIMIT = 500;

    private final QuarantineReplay replay;

    public ReplayController(QuarantineReplay replay) {
        this.replay = replay;
    }

    /**
     * Replays quarantined readings after their cause was fixed — by device, by entry ids or by reason — through the
     * checks they failed; each outcome counted and audited.
     */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "what the replay did, entry by entry",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ReplayReport.class),
                    examples = @ExampleObject(name = "one readded", value = "{\"examined\": 1, \"replayed\": 1, "
                            + "\"waiting\": 0, \"entries\": [{\"id\": 3188, \"reason\": \"UNASSIGNED_DEVICE\", "
                            + "\"outcome\": \"readded\", \"detail\": \"taken into the inbox again: resolve\"}]}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Post
    public HttpResponse<?> replay(@Nullable @QueryValue String device, @Nullable @QueryValue List<Long> entry,
                                  @Nullable @QueryValue String reason, @QueryValue(defaultValue = "100") int limit,
                                  Authentication caller) {
        boolean byEntry = entry != null && !entry.isEmpty();
        if ((device != null ? 1 : 0) + (byEntry ? 1 : 0) + (reason != null ? 1 : 0) != 1) {
            return HttpResponse.badRequest("one of device, entry or reason");
        }
        String actor = DecisionController.actor(caller);
        if (device != null) {
            if (device.isBlank() || device.length() > 64) {
                return HttpResponse.badRequest("device: 1..64 characters");
            }
            return HttpResponse.ok(replay.replayDevice(device, actor));
        }
        if (byEntry) {
            if (entry.size() > MAX_LIMIT) {
                return HttpResponse.badRequest("at most " + MAX_LIMIT + " entries");
            }
            return HttpResponse.ok(replay.replayEntries(entry, actor));
        }
        if (Arrays.stream(QuarantineReason.values()).noneMatch(r -> r.name().equals(reason))) {
            return HttpResponse.badRequest("unknown reason; one of " + Arrays.toString(QuarantineReason.values()));
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("limit must be 1.." + MAX_LIMIT);
        }
        return HttpResponse.ok(replay.replayReason(QuarantineReason.valueOf(reason), limit, actor));
    }
}
