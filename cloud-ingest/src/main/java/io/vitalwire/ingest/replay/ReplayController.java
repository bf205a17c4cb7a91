package io.vitalwire.ingest.replay;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.vitalwire.ingest.security.AdminRoles;

/**
 * {@code POST /admin/quarantine/replay?device=<serial or BLE address>}: replays the device's held-back readings
 * now, e.g. right after an operator assigned it (the periodic sweep would get there within its interval). Answers
 * with the counts; a failure (FHIR down) answers 5xx and leaves the entries awaiting replay.
 */
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin/quarantine/replay")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ReplayController {

    private final QuarantineReplay replay;

    public ReplayController(QuarantineReplay replay) {
        this.replay = replay;
    }

    @Secured(AdminRoles.OPERATOR)
    @Post
    public HttpResponse<ReplayReport> replay(@QueryValue String device) {
        if (device.isBlank() || device.length() > 64) {
            return HttpResponse.badRequest();
        }
        return HttpResponse.ok(replay.replayDevice(device));
    }
}
