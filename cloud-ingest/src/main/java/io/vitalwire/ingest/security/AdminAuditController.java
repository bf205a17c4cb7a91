package io.vitalwire.ingest.security;

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
import java.sql.SQLException;

/**
 * {@code GET /admin/audit?subject=&limit=}: the admin API's writes, newest first ({@link AdminAuditLog}); limit
 * 1..1000, default 100.
 */
@Controller("/admin/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
public class AdminAuditController {

    private final AdminAuditLog log;

    public AdminAuditController(AdminAuditLog log) {
        this.log = log;
    }

    /** The admin API's writes, newest first, optionally of one subject: who, when, what and the answer's status. */
    @ApiResponse(responseCode = "200", description = "the writes, newest first",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(implementation = AdminAuditLog.Page.class),
                    examples = @ExampleObject(name = "a move", value = "{\"entries\": [{\"id\": 2051, "
                            + "\"at\": \"2026-12-03T14:05:31.410Z\", \"subject\": \"oscar\", "
                            + "\"roles\": [\"operator\"], \"method\": \"PUT\", "
                            + "\"path\": \"/admin/devices/sn.BPC-0002/gateway\", \"query\": null, "
                            + "\"status\": 200}]}")))
    @ApiResponse(responseCode = "400", description = "a parameter or the body is invalid; the text says which")
    @Get
    public HttpResponse<?> recent(@Nullable @QueryValue String subject, @QueryValue(defaultValue = "100") int limit)
            throws SQLException {
        if (limit < 1 || limit > 1000) {
            return HttpResponse.badRequest("limit: 1..1000");
        }
        return HttpResponse.ok(log.recent(subject, limit));
    }
}
