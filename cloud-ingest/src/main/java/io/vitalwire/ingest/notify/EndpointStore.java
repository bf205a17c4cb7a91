package io.vitalwire.ingest.notify;

import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Webhook endpoints and their secrets in PostgreSQL (tables {@code webhook_endpoint}, {@code webhook_secret}, see
 * V8__webhooks.sql). Each state change is one method, one {@code UPDATE … WHERE state} guarded by the states it may
 * come from, telling whether it happened.
 */
@Singleton
public class EndpointStore {

    private static final String COLUMNS = "id, url, tenants, kinds, min_severity, state, state_reason, created_at, "
            + "updated_at";

    private final DataSource dataSource;
    private final SecretBox box;

    public EndpointStore(DataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /** Adds an ENABLED endpoint signing with {@code secret}. */
    public WebhookEndpoint create(String url, Filters filters, SigningSecret secret, Instant now) {
        UUID id = UUID.randomUUID();
        SecretBox.Sealed sealed = box.seal(id, secret);
        return call("create an endpoint", () -> Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_endpoint (id, url, tenants, kinds, "
                    + "min_severity, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setObject(1, id);
                insert.setString(2, url);
                insert.setArray(3, texts(c, filters.tenants()));
                insert.setArray(4, texts(c, filters.kinds()));
                insert.setString(5, filters.minSeverity());
                insert.setString(6, EndpointState.ENABLED.name());
                insert.setTimestamp(7, Timestamp.from(now));
                insert.setTimestamp(8, Timestamp.from(now));
                insert.executeUpdate();
            }
            addSecret(c, id, sealed, now);
            return find(c, id, now).orElseThrow();
        }));
    }

    /** Every endpoint but the deleted ones, oldest first. */
    public List<WebhookEndpoint> list(Instant now) {
        return call("list endpoints", () -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook_endpoint "
                         + "WHERE state <> ? ORDER BY created_at, id")) {
                select.setString(1, EndpointState.DELETED.name());
                List<WebhookEndpoint> endpoints = Jdbc.list(select, EndpointStore::endpoint);
                Map<UUID, List<WebhookEndpoint.Secret>> secrets = secrets(c, null, now);
                return endpoints.stream().map(e -> withSecrets(e, secrets.getOrDefault(e.id(), List.of()))).toList();
            }
        });
    }

    /** The endpoint unless it does not exist or was deleted. */
    public Optional<WebhookEndpoint> find(UUID id, Instant now) {
        return call("read an endpoint", () -> {
            try (Connection c = dataSource.getConnection()) {
                return find(c, id, now);
            }
        });
    }

    /** Replaces the filters of an endpoint that is not deleted. @return whether it was */
    public boolean setFilters(UUID id, Filters filters, Instant now) {
        return call("update an endpoint", () -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement update = c.prepareStatement("UPDATE webhook_endpoint SET tenants = ?, kinds = ?, "
                         + "min_severity = ?, updated_at = ? WHERE id = ? AND state <> ?")) {
                update.setArray(1, texts(c, filters.tenants()));
                update.setArray(2, texts(c, filters.kinds()));
                update.setString(3, filters.minSeverity());
                update.setTimestamp(4, Timestamp.from(now));
                update.setObject(5, id);
                update.setString(6, EndpointState.DELETED.name());
                return update.executeUpdate() == 1;
            }
        });
    }

    /** DISABLED or GONE → ENABLED: deliveries waiting for it go now, new alerts are queued for it again. */
    public boolean enable(UUID id, Instant now) {
        return transition(id, now, EndpointState.ENABLED, null, EndpointState.DISABLED, EndpointState.GONE);
    }

    /** ENABLED → DISABLED by an operator: what is queued for it waits. */
    public boolean disable(UUID id, Instant now) {
        return transition(id, now, EndpointState.DISABLED, "disabled by an operator", EndpointState.ENABLED);
    }

    /**
     * ENABLED → GONE, within the caller's transaction: the receiver answered 410 Gone.
     *
     * @return whether it was enabled (false: an operator disabled or deleted it meanwhile)
     */
    static boolean gone(Connection c, UUID id, String reason, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE webhook_endpoint SET state = ?, state_reason = ?, "
                + "updated_at = ? WHERE id = ? AND state = ?")) {
            update.setString(1, EndpointState.GONE.name());
            update.setString(2, reason);
            update.setTimestamp(3, Timestamp.from(now));
            update.setObject(4, id);
            update.setString(5, EndpointState.ENABLED.name());
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Any state but DELETED → DELETED, in one transaction with what goes with it: its secrets are erased and its
     * pending deliveries dead-lettered. The row stays, so that its deliveries stay listed.
     *
     * @return how many deliveries were dead-lettered; empty when there is no such endpoint (or it was deleted)
     */
    public Optional<Integer> delete(UUID id, Instant now) {
        return call("delete an endpoint", () -> Jdbc.inTransaction(dataSource, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE webhook_endpoint SET state = ?, "
                    + "state_reason = ?, updated_at = ? WHERE id = ? AND state <> ?")) {
                update.setString(1, EndpointState.DELETED.name());
                update.setString(2, "deleted by an operator");
                update.setTimestamp(3, Timestamp.from(now));
                update.setObject(4, id);
                update.setString(5, EndpointState.DELETED.name());
                if (update.executeUpdate() != 1) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement erase = c.prepareStatement("DELETE FROM webhook_secret WHERE endpoint_id = ?")) {
                erase.setObject(1, id);
                erase.executeUpdate();
            }
            return Optional.of(DeliveryStore.deadLetterPending(c, id, "the endpoint was deleted", now));
        }));
    }

    /**
     * Rotation: {@code next} becomes the current secret; the secrets current until now keep signing beside it until
     * {@code now + overlap}. Secrets whose overlap has ended are erased.
     *
     * @return the endpoint afterwards; empty when there is no such endpoint (or it was deleted)
     */
    public Optional<WebhookEndpoint> rotate(UUID id, SigningSecret next, Duration overlap, Instant now) {
        SecretBox.Sealed sealed = box.seal(id, next);
        return call("rotate a secret", () -> Jdbc.inTransaction(dataSource, c -> {
            // The endpoint's row lock makes concurrent rotations take turns: each ends the overlap of the one before.
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM webhook_endpoint WHERE id = ? "
                    + "AND state <> ? FOR UPDATE")) {
                lock.setObject(1, id);
                lock.setString(2, EndpointState.DELETED.name());
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<WebhookEndpoint>empty();
                    }
                }
            }
            try (PreparedStatement erase = c.prepareStatement("DELETE FROM webhook_secret WHERE endpoint_id = ? "
                    + "AND expires_at <= ?")) {
                erase.setObject(1, id);
                erase.setTimestamp(2, Timestamp.from(now));
                erase.executeUpdate();
            }
            try (PreparedStatement expire = c.prepareStatement("UPDATE webhook_secret SET expires_at = ? "
                    + "WHERE endpoint_id = ? AND expires_at IS NULL")) {
                expire.setTimestamp(1, Timestamp.from(now.plus(overlap)));
                expire.setObject(2, id);
                expire.executeUpdate();
            }
            addSecret(c, id, sealed, now);
            return find(c, id, now);
        }));
    }

    /** The sealed secrets that sign for the endpoint at {@code now}, newest first. */
    static List<SecretBox.Sealed> signing(Connection c, UUID endpoint, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT key_id, sealed FROM webhook_secret "
                + "WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?) "
                + "ORDER BY created_at DESC, id DESC")) {
            select.setObject(1, endpoint);
            select.setTimestamp(2, Timestamp.from(now));
            return Jdbc.list(select, rs -> new SecretBox.Sealed(rs.getString(1), rs.getBytes(2)));
        }
    }

    private boolean transition(UUID id, Instant now, EndpointState to, String reason, EndpointState... from) {
        return call("change an endpoint's state", () -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement update = c.prepareStatement("UPDATE webhook_endpoint SET state = ?, "
                         + "state_reason = ?, updated_at = ? WHERE id = ? AND state = ANY (?)")) {
                update.setString(1, to.name());
                update.setString(2, reason);
                update.setTimestamp(3, Timestamp.from(now));
                update.setObject(4, id);
                update.setArray(5, texts(c, Arrays.stream(from).map(Enum::name).toList()));
                return update.executeUpdate() == 1;
            }
        });
    }

    private static void addSecret(Connection c, UUID endpoint, SecretBox.Sealed sealed, Instant now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_secret (endpoint_id, key_id, sealed, "
                + "created_at) VALUES (?, ?, ?, ?)")) {
            insert.setObject(1, endpoint);
            insert.setString(2, sealed.keyId());
            insert.setBytes(3, sealed.data());
            insert.setTimestamp(4, Timestamp.from(now));
            insert.executeUpdate();
        }
    }

    private static Optional<WebhookEndpoint> find(Connection c, UUID id, Instant now) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM webhook_endpoint "
                + "WHERE id = ? AND state <> ?")) {
            select.setObject(1, id);
            select.setString(2, EndpointState.DELETED.name());
            List<WebhookEndpoint> found = Jdbc.list(select, EndpointStore::endpoint);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(withSecrets(found.get(0), secrets(c, id, now).getOrDefault(id, List.of())));
        }
    }

    /** The metadata of the secrets signing at {@code now}, per endpoint ({@code endpoint} null: of all). */
    private static Map<UUID, List<WebhookEndpoint.Secret>> secrets(Connection c, UUID endpoint, Instant now)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT endpoint_id, id, created_at, expires_at "
                + "FROM webhook_secret WHERE (expires_at IS NULL OR expires_at > ?) "
                + (endpoint == null ? "" : "AND endpoint_id = ? ") + "ORDER BY created_at DESC, id DESC")) {
            select.setTimestamp(1, Timestamp.from(now));
            if (endpoint != null) {
                select.setObject(2, endpoint);
            }
            Map<UUID, List<WebhookEndpoint.Secret>> secrets = new LinkedHashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Timestamp expires = rs.getTimestamp(4);
                    secrets.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                            .add(new WebhookEndpoint.Secret(rs.getLong(2), rs.getTimestamp(3).toInstant(),
                                    expires == null ? null : expires.toInstant()));
                }
            }
            return secrets;
        }
    }

    private static WebhookEndpoint endpoint(ResultSet rs) throws SQLException {
        return new WebhookEndpoint(rs.getObject(1, UUID.class), rs.getString(2),
                new Filters(strings(rs.getArray(3)), strings(rs.getArray(4)), rs.getString(5)),
                EndpointState.valueOf(rs.getString(6)), rs.getString(7), rs.getTimestamp(8).toInstant(),
                rs.getTimestamp(9).toInstant(), List.of());
    }

    private static WebhookEndpoint withSecrets(WebhookEndpoint e, List<WebhookEndpoint.Secret> secrets) {
        return new WebhookEndpoint(e.id(), e.url(), e.filters(), e.state(), e.stateReason(), e.createdAt(),
                e.updatedAt(), List.copyOf(secrets));
    }

    static Array texts(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray(new String[0]));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private interface Sql<T> {
        T run() throws SQLException;
    }

    private static <T> T call(String what, Sql<T> sql) {
        try {
            return sql.run();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
