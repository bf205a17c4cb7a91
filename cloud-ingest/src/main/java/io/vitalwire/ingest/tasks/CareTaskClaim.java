package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * One owed Task held by this worker ({@link CareTaskStore#claim}) and the one transition that records how its write
 * went, committed at once. Each transition is {@code UPDATE … WHERE state = <the state claimed>} and must change the
 * row; a claim takes one transition. Closing it without one rolls back, which releases the row.
 */
final class CareTaskClaim implements AutoCloseable {

    private final Connection connection;
    private final OwedTask owed;
    private boolean recorded;

    CareTaskClaim(Connection connection, OwedTask owed) {
        this.connection = connection;
        this.owed = owed;
    }

    OwedTask owed() {
        return owed;
    }

    /** PENDING | OPEN → OPEN: FHIR has the Task as of the alert's state {@code written}. */
    void opened(String task, Assignment assignment, AlertState written, Instant now) {
        wrote(CareTaskState.OPEN, task, assignment, written, now);
    }

    /** PENDING | OPEN → DONE: FHIR has the Task completed (the alert was acknowledged). */
    void completed(String task, Assignment assignment, Instant now) {
        wrote(CareTaskState.DONE, task, assignment, AlertState.ACKNOWLEDGED, now);
    }

    /** PENDING | OPEN → REJECTED: the FHIR server refused the Task for good; nothing is retried. */
    void rejected(String error, Instant now) {
        transition(CareTaskState.REJECTED, true, "last_error = ?, attempts = attempts + 1, next_at = ?", update -> {
            update.setString(1, shorten(error));
            update.setTimestamp(2, Timestamp.from(now));
        });
    }

    /** The attempt failed: the state stays, the Task is tried again at {@code retryAt}. */
    void failed(String error, Instant retryAt) {
        transition(owed.state(), false, "last_error = ?, attempts = attempts + 1, next_at = ?", update -> {
            update.setString(1, shorten(error));
            update.setTimestamp(2, Timestamp.from(retryAt));
        });
    }

    private void wrote(CareTaskState to, String task, Assignment assignment, AlertState written, Instant now) {
        transition(to, true, "written_state = ?, task = ?, owner = ?, owner_reason = ?, attempts = 0, "
                + "last_error = NULL, next_at = ?, written_at = ?", update -> {
                    update.setString(1, written.name());
                    update.setString(2, task);
                    update.setString(3, assignment.owner());
                    update.setString(4, assignment.reason() == null ? null : assignment.reason().code());
                    update.setTimestamp(5, Timestamp.from(now));
                    update.setTimestamp(6, Timestamp.from(now));
                });
    }

    private interface Binder {
        void bind(PreparedStatement update) throws SQLException;
    }

    /**
     * Sets the row to {@code to} and the columns of {@code set} (whose parameters {@code binder} binds from 1), if it
     * is still in the state claimed, and commits.
     *
     * @param covered whether the alert's revisions seen at the claim are done with
     */
    private void transition(CareTaskState to, boolean covered, String set, Binder binder) {
        UUID alert = owed.alert().notice().id();
        if (recorded) {
            throw new IllegalStateException("the Task of alert " + alert + " has its outcome already");
        }
        int parameters = (int) set.chars().filter(ch -> ch == '?').count();
        try (PreparedStatement update = connection.prepareStatement("UPDATE care_task SET " + set + ", state = ? "
                + "WHERE alert_id = ? AND state = ?")) {
            binder.bind(update);
            update.setString(parameters + 1, to.name());
            update.setObject(parameters + 2, alert);
            update.setString(parameters + 3, owed.state().name());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the Task of alert " + alert + " is no longer " + owed.state());
            }
            if (covered) {
                // A final state takes no revision any more: all of them go, also one that came after the claim.
                long upTo = to == CareTaskState.OPEN ? owed.seenRevision() : Long.MAX_VALUE;
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM care_task_revision "
                        + "WHERE alert_id = ? AND id <= ?")) {
                    delete.setObject(1, alert);
                    delete.setLong(2, upTo);
                    delete.executeUpdate();
                }
            }
            connection.commit();
            recorded = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the Task of alert " + alert + ": " + e.getMessage(), e);
        }
    }

    /** Rolls back what was not recorded, which releases the row to the other workers. */
    @Override
    public void close() {
        Jdbc.abandon(connection);
    }

    private static String shorten(String error) {
        String why = error == null ? "(no message)" : error;
        return why.length() > 1000 ? why.substring(0, 1000) : why;
    }
}
