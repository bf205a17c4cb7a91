package io.vitalwire.ingest.notify;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

/**
 * Tells clinicians' systems about alerts: queues the webhook deliveries of an alert in the transaction that commits
 * the alert (the durable outbox), so that an alert decided is an alert delivered even if this replica dies right
 * after the commit; the delivery workers of every replica then send them, signed and retried (see
 * {@link DeliveryStore}).
 *
 * <p>Callers: insert the {@code alert} row, call {@link #raised} on the same connection, commit, then {@link #wake()}.
 */
@Singleton
public class Notifier {

    private final DeliveryStore store;
    private final DeliverySignals signals;
    private final Clock clock;

    Notifier(DeliveryStore store, DeliverySignals signals, Clock clock) {
        this.store = store;
        this.signals = signals;
        this.clock = clock;
    }

    /**
     * Queues {@code alert.raised} for every enabled endpoint whose filters take the alert, within the caller's
     * transaction (which inserted the alert's row). Raised again (a retried claim, a racing replica), it stays one
     * delivery per endpoint, with the alert's id as webhook-id.
     */
    public void raised(Connection c, AlertNotice alert) throws SQLException {
        store.enqueue(c, alert, WebhookEvent.RAISED, alert.raisedAt());
    }

    /**
     * Queues {@code alert.escalated} (a critical alert not acknowledged in time) likewise, within the caller's
     * transaction, with its own webhook-id derived from the alert's id; once per alert and endpoint.
     */
    public void escalated(Connection c, AlertNotice alert) throws SQLException {
        store.enqueue(c, alert, WebhookEvent.ESCALATED, clock.instant());
    }

    /** After the commit: this replica's workers send what was queued at once rather than at their next poll. */
    public void wake() {
        signals.wake();
    }
}
