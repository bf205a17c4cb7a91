package io.vitalwire.ingest.tasks;

import java.time.Instant;
import java.util.UUID;

/**
 * An alert as the admin API shows it: ids, rule, severity, times, state and its Task; no values (the webhook and the
 * Observation have those). Times are ISO-8601 UTC, null while they did not happen.
 *
 * @param task its Task's record, null when none is owed (an alert raised before Tasks existed)
 */
public record AlertView(UUID id, String tenant, String kind, String rule, String severity, String patient,
                        String gateway, String device, String readingKey, String measuredAt, boolean late,
                        String raisedAt,
                        String state, String escalatedAt, String acknowledgedAt, String acknowledgedBy,
                        TaskView task) {

    /**
     * Where the alert's FHIR Task stands.
     *
     * @param state       {@link CareTaskState}
     * @param reference   {@code Task/<id>} once written
     * @param owner       the owner written, or null; then {@code ownerReason} says why ({@link UnassignedReason} code)
     * @param attempts    failed attempts since the last write; {@code lastError} the last one's cause and message
     * @param nextAttempt when it is tried again, while it is owed
     */
    public record TaskView(String state, String reference, String owner, String ownerReason, int attempts,
                           String lastError, String nextAttempt, String writtenAt) {
    }

    static AlertView of(TrackedAlert a, TaskView task) {
        var n = a.notice();
        return new AlertView(n.id(), n.tenant(), n.kind(), n.rule(), n.severity(), n.patient(), n.gateway(),
                n.device(), n.readingKey(), text(n.measuredAt()), n.late(), text(n.raisedAt()), a.state().name(),
                text(a.escalatedAt()), text(a.acknowledgedAt()), a.acknowledgedBy(), task);
    }

    static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
