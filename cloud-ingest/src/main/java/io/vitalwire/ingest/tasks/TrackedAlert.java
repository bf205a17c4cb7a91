package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.notify.AlertNotice;
import java.time.Instant;

/**
 * An alert as its row stands now: what was decided ({@link AlertNotice}) and where it is in the care team's hands.
 *
 * @param escalatedAt    when it escalated; null while it did not
 * @param acknowledgedAt when it was acknowledged; null while it was not ({@code acknowledgedBy} likewise)
 */
public record TrackedAlert(AlertNotice notice, AlertState state, Instant escalatedAt, Instant acknowledgedAt,
                           String acknowledgedBy) {
}
