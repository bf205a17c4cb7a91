package io.vitalwire.ingest.rules;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An alert's id, derived from what makes it that alert — patient, rule and the reading that fired it (or, for
 * no-data, the time the silence was noticed) — so that the same decision taken again (a retried claim, a replica
 * racing another) is the same alert: one row, one webhook-id, one Task.
 */
final class AlertIds {

    private AlertIds() {
    }

    static UUID of(Alert alert) {
        String evidence = alert.readingKey() != null ? alert.readingKey() : "at:" + alert.measuredAt();
        return UUID.nameUUIDFromBytes(("vitalwire-alert|" + alert.patient() + "|" + alert.rule().id() + "|" + evidence)
                .getBytes(StandardCharsets.UTF_8));
    }
}
