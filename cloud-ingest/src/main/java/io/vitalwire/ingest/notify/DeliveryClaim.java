package io.vitalwire.ingest.notify;

import io.vitalwire.ingest.db.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * One delivery claimed for one attempt, in the transaction that holds it ({@link DeliveryStore#claim}): the worker
 * reads what it needs through it, sends, records exactly one outcome, and closes it, which commits. Closed without
 * an outcome (an exception), it is rolled back and the delivery is due again as it was. Each outcome is one guarded
 * transition from PENDING.
 */
final class DeliveryClaim implements AutoCloseable {

    private final Connection c;
    private final Delivery delivery;
    private boolean recorded;

    DeliveryClaim(Connection c, Delivery delivery) {
        this.c = c;
        this.delivery = delivery;
    }

    Delivery delivery() {
        return delivery;
    }

    /** The endpoint's secrets that sign at {@code now}, sealed, newest first. */
    List<SecretBox.Sealed> secrets(Instant now) throws SQLException {
        return EndpointStore.signing(c, delivery.endpointId(), now);
    }

    /** The alert's Observation, {@code Observation/<id>}, if FHIR has it already; else null. */
    String observation() throws SQLException {
        return ObservationReference.find(c, delivery.alert().readingKey());
    }

    /** PENDING → DELIVERED: the endpoint answered {@code status} (2xx). */
    void delivered(int status, Instant now) throws SQLException {
        transition("state = ?, attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = NULL, "
                + "delivered_at = ?", DeliveryState.DELIVERED.name(), now, status, now);
    }

    /** PENDING → PENDING with one more attempt: it failed, the next one is due at {@code nextAt}. */
    void retry(Integer status, String error, Instant nextAt, Instant now) throws SQLException {
        transition("attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?, next_at = ?",
                now, status, error, nextAt);
    }

    /** PENDING → DEAD: the last attempt of the schedule failed. */
    void dead(Integer status, String error, String reason, Instant now) throws SQLException {
        transition("state = ?, attempts = attempts + 1, last_attempt_at = ?, last_status = ?, last_error = ?, "
                + "reason = ?", DeliveryState.DEAD.name(), now, status, error, reason);
    }

    /**
     * The endpoint answered 410 Gone: this delivery PENDING → DEAD, the endpoint ENABLED → GONE and its other
     * pending deliveries PENDING → DEAD, all with that reason, together.
     *
     * @return how many deliveries were dead-lettered, this one included
     */
    int gone(int status, Instant now) throws SQLException {
        String reason = "the endpoint answered HTTP " + status + " Gone: disabled";
        dead(status, "HTTP " + status, reason, now);
        int others = 0;
        if (EndpointStore.gone(c, delivery.endpointId(), reason, now)) {
            others = DeliveryStore.deadLetterPending(c, delivery.endpointId(), reason, now);
        }
        return 1 + others;
    }

    /**
     * Nothing was sent, for a reason of this side's (its secret cannot be opened here): due again at {@code nextAt},
     * no attempt counted, so that a misconfigured replica never uses up a delivery's retries.
     */
    void deferred(String error, Instant nextAt) throws SQLException {
        transition("last_error = ?, next_at = ?", error, nextAt);
    }

    private void transition(String set, Object... values) throws SQLException {
        if (recorded) {
            throw new IllegalStateException("delivery " + delivery.id() + " has its outcome already");
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE webhook_delivery SET " + set
                + " WHERE id = ? AND state = ?")) {
            int i = 1;
            for (Object v : values) {
                if (v instanceof Instant t) {
                    update.setTimestamp(i++, Timestamp.from(t));
                } else if (v == null) {
                    update.setNull(i++, Types.NULL);
                } else {
                    update.setObject(i++, v);
                }
            }
            update.setLong(i++, delivery.id());
            update.setString(i, DeliveryState.PENDING.name());
            if (update.executeUpdate() != 1) {
                // The row is locked by this claim: only a bug gets here.
                throw new IllegalStateException("delivery " + delivery.id() + " is not pending");
            }
        }
        recorded = true;
    }

    /** Commits the outcome; without one, rolls back (the delivery is due again as it was). */
    @Override
    public void close() {
        if (!recorded) {
            Jdbc.abandon(c);
            return;
        }
        try {
            c.commit();
            c.close();
        } catch (SQLException e) {
            Jdbc.abandon(c);
            throw new IllegalStateException("cannot record delivery " + delivery.id() + ": " + e.getMessage(), e);
        }
    }
}
