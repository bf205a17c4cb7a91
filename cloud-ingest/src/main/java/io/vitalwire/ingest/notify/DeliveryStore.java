package io.vitalwire.ingest.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The webhook outbox in PostgreSQL (table {@code webhook_delivery}, see V8__webhooks.sql), shared by every replica.
 *
 * <p><b>Claiming.</b> A worker claims one due delivery in a transaction that lasts until its attempt is recorded
 * ({@link DeliveryClaim}): its row is locked {@code FOR UPDATE SKIP LOCKED}, so no two replicas ever send it at the
 * same time, and its endpoint is taken with a transaction-scoped advisory lock, so one endpoint occupies at most one
 * worker: a receiver that times out holds back only its own deliveries. If the replica dies mid-send, PostgreSQL
 * ends the transaction with the connection: the delivery is simply pending again and another worker sends it (the
 * same webhook-id: receivers deduplicate). There is nothing to recover at start-up.
 */
@Singleton
public class DeliveryStore {

    /** Namespace of the advisory locks on endpoints (the inbox's are 0x5657_01xx, the rules' 0x5657_0200). */
    static final int LOCK_NAMESPACE = 0x5657_0300;
    /** Endpoints looked at per claim; more than there are workers, since some are taken by other workers. */
    private static final int CANDIDATE_ENDPOINTS = 50;
    /**
     * Due deliveries are found by a partial index ({@code WHERE state = 'PENDING'}); a plan made for any value of a
     * parameter cannot use it, so the state is a literal in those statements (see the inbox's claims).
     */
    private static final String PENDING = "'" + DeliveryState.PENDING.name() + "'";
    private static final String VIEW = "id, webhook_id, alert_id, event, endpoint_id, state, attempts, created_at, "
            + "next_at, last_attempt_at, last_status, last_error, delivered_at, reason, replayed_at";
    private static final TypeReference<List<AlertNotice.Value>> VALUES = new TypeReference<>() {
    };

    private final ObjectMapper json = new ObjectMapper();
    private final DataSource dataSource;

    public DeliveryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Queues {@code event} of the alert for every ENABLED endpoint whose filters match, within the caller's
     * transaction (the alert row is already in it). Due at {@code at}. The same (alert, event, endpoint) queued again
     * stays one delivery.
     *
     * @return how many deliveries were new
     */
    int enqueue(Connection c, AlertNotice alert, WebhookEvent event, Instant at) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_delivery (webhook_id, alert_id, "
                + "event, endpoint_id, state, next_at, created_at) SELECT ?, ?, ?, e.id, ?, ?, ? "
                + "FROM webhook_endpoint e WHERE e.state = ? "
                + "AND (cardinality(e.tenants) = 0 OR ? = ANY (e.tenants)) "
                + "AND (cardinality(e.kinds) = 0 OR ? = ANY (e.kinds)) AND e.min_severity = ANY (?) "
                // One order for every transaction: two inserting for the same alert cannot deadlock.
                + "ORDER BY e.id ON CONFLICT (alert_id, event, endpoint_id) DO NOTHING")) {
            insert.setString(1, event.webhookId(alert.id()));
            insert.setObject(2, alert.id());
            insert.setString(3, event.type());
            insert.setString(4, DeliveryState.PENDING.name());
            insert.setTimestamp(5, Timestamp.from(at));
            insert.setTimestamp(6, Timestamp.from(at));
            insert.setString(7, EndpointState.ENABLED.name());
            insert.setString(8, alert.tenant());
            insert.setString(9, alert.kind());
            insert.setArray(10, EndpointStore.texts(c, Filters.minSeveritiesReceiving(alert.severity())));
            return insert.executeUpdate();
        }
    }

    /**
     * Claims the delivery due longest at {@code now} whose endpoint no other worker holds.
     *
     * @return the claim, or empty when nothing is due that another worker does not hold
     */
    public Optional<DeliveryClaim> claim(Instant now) {
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(false);
            for (UUID endpoint : candidates(c, now)) {
                // Rolled back to when nothing turns out due, so that the endpoint's lock is not held meanwhile.
                Savepoint before = c.setSavepoint();
                if (Jdbc.tryTransactionLock(c, LOCK_NAMESPACE, endpoint.hashCode())) {
                    Optional<Delivery> due = due(c, endpoint, now);
                    if (due.isPresent()) {
                        return Optional.of(new DeliveryClaim(c, due.get()));
                    }
                }
                c.rollback(before);
            }
            c.rollback();
            c.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            Jdbc.abandon(c);
            throw new IllegalStateException("cannot claim a webhook delivery: " + e.getMessage(), e);
        }
    }

    private static List<UUID> candidates(Connection c, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT d.endpoint_id FROM webhook_delivery d "
                + "JOIN webhook_endpoint e ON e.id = d.endpoint_id WHERE d.state = " + PENDING + " AND d.next_at <= ? "
                + "AND e.state = ? GROUP BY d.endpoint_id ORDER BY min(d.next_at) LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(now));
            select.setString(2, EndpointState.ENABLED.name());
            select.setInt(3, CANDIDATE_ENDPOINTS);
            return Jdbc.list(select, rs -> rs.getObject(1, UUID.class));
        }
    }

    private Optional<Delivery> due(Connection c, UUID endpoint, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT d.id, d.webhook_id, d.event, d.attempts, "
                + "d.created_at, d.replayed_at IS NOT NULL, e.url, a.id, a.tenant, a.kind, a.rule, a.severity, "
                + "a.patient, a.gateway, a.reading_key, a.measured_at, a.late, a.value, a.unit, a.reading_values, "
                + "a.raised_at, a.device FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id "
                + "JOIN alert a ON a.id = d.alert_id WHERE d.endpoint_id = ? AND d.state = " + PENDING
                + " AND d.next_at <= ? AND e.state = ? ORDER BY d.next_at, d.id LIMIT 1 FOR UPDATE OF d SKIP LOCKED")) {
            select.setObject(1, endpoint);
            select.setTimestamp(2, Timestamp.from(now));
            select.setString(3, EndpointState.ENABLED.name());
            List<Delivery> found = Jdbc.list(select, rs -> new Delivery(rs.getLong(1), rs.getString(2),
                    WebhookEvent.ofType(rs.getString(3)), endpoint, rs.getString(7), rs.getInt(4),
                    rs.getTimestamp(5).toInstant(), rs.getBoolean(6), alert(rs)));
            return found.stream().findFirst();
        }
    }

    private AlertNotice alert(ResultSet rs) throws SQLException {
        Timestamp measured = rs.getTimestamp(16);
        String values = rs.getString(20);
        List<AlertNotice.Value> parsed;
        try {
            parsed = values == null ? List.of() : json.readValue(values, VALUES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert " + rs.getObject(8) + " holds unreadable values", e);
        }
        BigDecimal value = rs.getBigDecimal(18);
        return new AlertNotice(rs.getObject(8, UUID.class), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(22), rs.getString(15),
                measured == null ? null : measured.toInstant(), rs.getBoolean(17), value, rs.getString(19), parsed,
                rs.getTimestamp(21).toInstant());
    }

    /**
     * PENDING → DEAD for every delivery of the endpoint, within the caller's transaction: it answered 410 Gone or was
     * deleted.
     *
     * @return how many were dead-lettered
     */
    static int deadLetterPending(Connection c, UUID endpoint, String reason, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE webhook_delivery SET state = ?, reason = ? "
                + "WHERE endpoint_id = ? AND state = ?")) {
            update.setString(1, DeliveryState.DEAD.name());
            update.setString(2, reason);
            update.setObject(3, endpoint);
            update.setString(4, DeliveryState.PENDING.name());
            return update.executeUpdate();
        }
    }

    /** What became of a replay. */
    public enum Replay {
        /** DEAD → PENDING: due now, with a fresh count of attempts. */
        REPLAYED,
        /** No such delivery. */
        UNKNOWN,
        /** Not dead-lettered (pending or delivered): nothing to replay. */
        NOT_DEAD,
        /** Its endpoint is not enabled (gone, disabled, deleted): enable it first. */
        ENDPOINT_NOT_ENABLED
    }

    /** DEAD → PENDING if its endpoint is ENABLED: an operator replays a dead-lettered delivery (same webhook-id). */
    public Replay replay(long id, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE webhook_delivery d SET state = ?, attempts = 0, "
                     + "next_at = ?, last_status = NULL, last_error = NULL, reason = NULL, replayed_at = ? "
                     + "FROM webhook_endpoint e WHERE d.id = ? AND d.state = ? AND e.id = d.endpoint_id "
                     + "AND e.state = ?")) {
            update.setString(1, DeliveryState.PENDING.name());
            update.setTimestamp(2, Timestamp.from(now));
            update.setTimestamp(3, Timestamp.from(now));
            update.setLong(4, id);
            update.setString(5, DeliveryState.DEAD.name());
            update.setString(6, EndpointState.ENABLED.name());
            if (update.executeUpdate() == 1) {
                return Replay.REPLAYED;
            }
            Optional<DeliveryView> found = find(c, id);
            if (found.isEmpty()) {
                return Replay.UNKNOWN;
            }
            return found.get().state() == DeliveryState.DEAD ? Replay.ENDPOINT_NOT_ENABLED : Replay.NOT_DEAD;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot replay a webhook delivery: " + e.getMessage(), e);
        }
    }

    /** One delivery. */
    public Optional<DeliveryView> find(long id) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, id);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read webhook deliveries: " + e.getMessage(), e);
        }
    }

    /**
     * Deliveries newest first, optionally of one state and endpoint, with ids below {@code before}.
     */
    public List<DeliveryView> list(DeliveryState state, UUID endpoint, long before, int limit) {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder("id < ?");
        args.add(before);
        if (state != null) {
            where.append(" AND state = ?");
            args.add(state.name());
        }
        if (endpoint != null) {
            where.append(" AND endpoint_id = ?");
            args.add(endpoint);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + VIEW + " FROM webhook_delivery WHERE "
                     + where + " ORDER BY id DESC LIMIT ?")) {
            for (int i = 0; i < args.size(); i++) {
                select.setObject(i + 1, args.get(i));
            }
            select.setInt(args.size() + 1, limit);
            return Jdbc.list(select, DeliveryStore::view);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read webhook deliveries: " + e.getMessage(), e);
        }
    }

    private static Optional<DeliveryView> find(Connection c, long id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + VIEW + " FROM webhook_delivery WHERE id = ?")) {
            select.setLong(1, id);
            return Jdbc.list(select, DeliveryStore::view).stream().findFirst();
        }
    }

    private static DeliveryView view(ResultSet rs) throws SQLException {
        return new DeliveryView(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                rs.getObject(5, UUID.class), DeliveryState.valueOf(rs.getString(6)), rs.getInt(7), instant(rs, 8),
                instant(rs, 9), instant(rs, 10), rs.getObject(11, Integer.class), rs.getString(12), instant(rs, 13),
                rs.getString(14), instant(rs, 15));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
