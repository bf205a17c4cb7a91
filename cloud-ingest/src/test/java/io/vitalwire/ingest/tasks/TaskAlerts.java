package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.notify.EndpointStore;
import io.vitalwire.ingest.notify.Filters;
import io.vitalwire.ingest.notify.Notifier;
import io.vitalwire.ingest.notify.SigningSecret;
import io.vitalwire.ingest.rules.RuleStateStore;
import io.vitalwire.ingest.testing.AtOnce;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/**
 * Alerts raised the way the rules stage raises them — the alert row, its webhook deliveries and its Task owed in one
 * transaction — and the rows the tests check.
 */
@Singleton
final class TaskAlerts {

    private final DataSource dataSource;
    private final RuleStateStore alerts;
    private final Notifier notifier;
    private final CareTasks tasks;
    private final EndpointStore endpoints;
    private final Clock clock;

    TaskAlerts(DataSource dataSource, RuleStateStore alerts, Notifier notifier, CareTasks tasks,
               EndpointStore endpoints, Clock clock) {
        this.dataSource = dataSource;
        this.alerts = alerts;
        this.notifier = notifier;
        this.tasks = tasks;
        this.endpoints = endpoints;
        this.clock = clock;
    }

    /**
     * Properties of a Task test's context: {@code more}, and webhook deliveries left queued (the tests look at what
     * was queued, not at a receiver) under a key of their own for the endpoints' secrets.
     */
    static Map<String, String> properties(Map<String, String> more) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Map<String, String> p = new HashMap<>(more);
        p.put("vitalwire.ingest.notify.workers-enabled", "false");
        p.put("vitalwire.ingest.notify.secret-key", Base64.getEncoder().encodeToString(key));
        return p;
    }

    /** A webhook endpoint taking every alert, so that raising one queues its deliveries (never sent: port 9). */
    void webhookForEveryAlert() {
        endpoints.create("http://127.0.0.1:9/hook", new Filters(List.of(), List.of(), "warning"),
                SigningSecret.generate(), clock.instant());
    }

    /** Runs the calls on threads of their own, released at the same moment. @return their results, in order */
    static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        return AtOnce.run(calls);
    }

    /** An alert of the patient (a logical id; null: about a gateway) on a reading {@code readingKey} (null: none). */
    static AlertNotice notice(String kind, String rule, String severity, String patient, String readingKey,
                              Instant raisedAt) {
        List<AlertNotice.Value> values = readingKey == null ? List.of()
                : List.of(new AlertNotice.Value("150456", new BigDecimal("86"), "%"));
        return new AlertNotice(UUID.randomUUID(), "t-tasks", kind, rule, severity, patient, "gw-tasks", null,
                readingKey, raisedAt.minusSeconds(2), false, readingKey == null ? null : new BigDecimal("86"),
                readingKey == null ? null : "%", values, raisedAt.truncatedTo(ChronoUnit.MILLIS));
    }

    /** Inserts the alert as the rules stage does; raising it again owes nothing more. */
    AlertNotice raise(AlertNotice alert) throws SQLException {
        Jdbc.inTransaction(dataSource, c -> {
            if (alerts.insert(c, alert)) {
                notifier.raised(c, alert);
            }
            tasks.raised(c, alert);
            return null;
        });
        tasks.wake();
        return alert;
    }

    /** The alert's {@code care_task} row: state, task, attempts, last_error (null when there is none). */
    record Row(String state, String task, int attempts, String lastError, String owner, String ownerReason) {
    }

    Row row(UUID alert) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT state, task, attempts, last_error, owner, "
                     + "owner_reason FROM care_task WHERE alert_id = ?")) {
            select.setObject(1, alert);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)) : null;
            }
        }
    }

    /** The webhook events queued for the alert, e.g. {@code [alert.raised, alert.escalated]}, oldest first. */
    List<String> webhookEvents(UUID alert) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT event FROM webhook_delivery WHERE alert_id = ? "
                     + "ORDER BY id")) {
            select.setObject(1, alert);
            return Jdbc.list(select, rs -> rs.getString(1));
        }
    }

    /** Runs SQL as a crash or an operator would leave things. */
    void execute(String sql, UUID alert) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, alert);
            s.executeUpdate();
        }
    }
}
