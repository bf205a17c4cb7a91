package io.vitalwire.ingest.replay;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
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
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.security.AdminRoles;
import java.util.Optional;

/**
 * A person's decisions on one quarantine entry, and their trail:
 * <ul>
 *   <li>{@code POST /admin/quarantine/{id}/dismiss}, body {@code {"note": "…"}}: closes an entry awaiting replay
 *       without ingesting it (a forged key: {@code GATEWAY_MISMATCH}; a reading nobody can place); the payload stays
 *       until the retention purges it;</li>
 *   <li>{@code POST /admin/quarantine/{id}/resolve}, body {@code {"genuine": "held" | "arrived", "note": "…"}}: a
 *       {@code KEY_CONFLICT} decided ({@link KeyConflicts});</li>
 *   <li>{@code GET /admin/quarantine/{id}/audit}: every replay and decision of the entry, oldest first.</li>
 * </ul>
 * A decision needs the {@code operator} role and a note (1..{@value #MAX_NOTE} characters, the reason for the
 * record: no patient data); it is audited in {@code quarantine_replay_audit} with the caller's token subject. 404:
 * no such entry awaits replay (closed already, or purged); 409: the decision does not apply to its reason.
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/quarantine/{id}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DecisionController {

    static final int MAX_NOTE = 500;
    private static final int MAX_SUBJECT = 200;

    private final QuarantineReplay replay;
    private final KeyConflicts conflicts;
    private final QuarantineStore store;

    public DecisionController(QuarantineReplay replay, KeyConflicts conflicts, QuarantineStore store) {
        this.replay = replay;
        this.conflicts = conflicts;
        this.store = store;
    }

    /** A decision's body. */
    public record Request(@Nullable String note, @Nullable String genuine) {
    }

    /** Closes a quarantine entry without replaying it, with the operator's note; audited. */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "the entry's outcome",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = ReplayReport.EntryOutcome.class),
                    examples = @ExampleObject(name = "dismissed", value = "{\"id\": 3188, \"reason\": null, "
                            + "\"outcome\": \"dismissed\", "
                            + "\"detail\": \"dismissed by oscar: readings of a demonstration cuff, not a patient\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such entry")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "test device",
            value = "{\"note\": \"readings of a demonstration cuff, not a patient\"}")))
    @Post("/dismiss")
    public HttpResponse<?> dismiss(@PathVariable long id, @Body Request body, Authentication caller) {
        Optional<String> note = note(body);
        if (note.isEmpty()) {
            return HttpResponse.badRequest("note: why, 1.." + MAX_NOTE + " characters");
        }
        return answer(replay.dismiss(id, note.get(), actor(caller)));
    }

    /** Decides a key conflict: keep the reading the key holds, or take the one that arrived instead; audited. */
    @Secured(AdminRoles.OPERATOR)
    @ApiResponse(responseCode = "200", description = "the entry's outcome",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = ReplayReport.EntryOutcome.class),
                    examples = @ExampleObject(name = "kept held", value = "{\"id\": 3190, \"reason\": null, "
                            + "\"outcome\": \"kept-held\", \"detail\": \"the held reading is genuine, "
                            + "decided by oscar: the arrived reading is a replay of an old firmware bug\"}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @ApiResponse(responseCode = "404", description = "no such entry")
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "keep held",
            value = "{\"genuine\": \"held\", \"note\": \"the arrived reading is a replay of an old firmware bug\"}")))
    @Post("/resolve")
    public HttpResponse<?> resolve(@PathVariable long id, @Body Request body, Authentication caller) {
        Optional<String> note = note(body);
        if (note.isEmpty() || body.genuine() == null
                || !(body.genuine().equals("held") || body.genuine().equals("arrived"))) {
            return HttpResponse.badRequest("genuine: held or arrived; note: why, 1.." + MAX_NOTE + " characters");
        }
        try {
            return answer(body.genuine().equals("held") ? conflicts.keepHeld(id, note.get(), actor(caller))
                    : conflicts.takeArrived(id, note.get(), actor(caller)));
        } catch (KeyConflicts.NotApplicable e) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(e.getMessage());
        }
    }

    /** Every judgement of and decision on one quarantine entry, oldest first. */
    @ApiResponse(responseCode = "200", description = "oldest first",
            content = @Content(mediaType = "application/json",
                    array = @ArraySchema(schema = @Schema(implementation = QuarantineStore.AuditRecord.class)),
                    examples = @ExampleObject(name = "replayed once", value = "[{\"id\": 77, "
                            + "\"at\": 1796289600.415000000, \"actor\": \"oscar\", \"action\": \"REPLAY\", "
                            + "\"entryId\": 3188, \"reason\": \"UNASSIGNED_DEVICE\", "
                            + "\"outcome\": \"still-quarantined\", \"detail\": \"Device/58 has no patient\", "
                            + "\"previousDetail\": \"Device/58 has no patient\"}]")))
    @Get("/audit")
    public HttpResponse<?> audit(@PathVariable long id) {
        return HttpResponse.ok(store.audit(id));
    }

    private static HttpResponse<?> answer(Optional<ReplayReport.EntryOutcome> outcome) {
        return outcome.<HttpResponse<?>>map(HttpResponse::ok)
                .orElse(HttpResponse.notFound("no such entry awaits replay"));
    }

    private static Optional<String> note(Request body) {
        if (body == null || body.note() == null || body.note().isBlank() || body.note().length() > MAX_NOTE) {
            return Optional.empty();
        }
        return Optional.of(body.note().strip());
    }

    /** Who the audit names: the caller's token subject. */
    static String actor(Authentication caller) {
        String name = caller.getName();
        return name.length() > MAX_SUBJECT ? name.substring(0, MAX_SUBJECT) : name;
    }
}
