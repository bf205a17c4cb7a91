package io.vitalwire.ingest.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The gateways' events in PostgreSQL (table {@code gateway_event}, see V4__gateway_events.sql). */
@Singleton
public class GatewayEventStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {
    };

    private final DataSource dataSource;

    public GatewayEventStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** An event as stored: the gateway's, plus when it arrived and under which tenant. */
    public record StoredEvent(long id, Instant receivedAt, String tenant, String gatewayId, String type, Instant at,
                              Map<String, String> attributes) {
    }

    /**
     * Stores the event and commits; returns once it is durable, so the message may then be acknowledged.
     *
     * @param payload the message as received: a redelivery of the same payload is stored once
     * @return whether it was new
     */
    public boolean put(String tenant, GatewayEvent event, byte[] payload, Instant receivedAt) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO gateway_event (received_at, tenant, "
                     + "gateway_id, type, at, attributes, digest) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) "
                     + "ON CONFLICT (tenant, gateway_id, digest) DO NOTHING")) {
            insert.setTimestamp(1, Timestamp.from(receivedAt));
            insert.setString(2, tenant);
            insert.setString(3, event.gatewayId());
            insert.setString(4, event.type());
            insert.setTimestamp(5, Timestamp.from(event.at()));
            insert.setString(6, JSON.writeValueAsString(new TreeMap<>(event.attributes())));
            insert.setBytes(7, MessageDigest.getInstance("SHA-256").digest(payload));
            int inserted = insert.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return inserted == 1;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot store a gateway event: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        try {
            return new StoredEvent(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getTimestamp(6).toInstant(), JSON.readValue(rs.getString(7), ATTRIBUTES));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable attributes of gateway event " + rs.getLong(1), e);
        }
    }

    /** A gateway's events with ids below {@code beforeId}, newest first; {@code type} {@code null} for all. */
    public List<StoredEvent> list(String gatewayId, String type, long beforeId, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, received_at, tenant, gateway_id, type, at, "
                     + "attributes FROM gateway_event WHERE gateway_id = ? AND id < ? "
                     + "AND (?::text IS NULL OR type = ?) ORDER BY id DESC LIMIT ?")) {
            select.setString(1, gatewayId);
            select.setLong(2, beforeId);
            select.setString(3, type);
            select.setString(4, type);
            select.setInt(5, limit);
            return Jdbc.list(select, GatewayEventStore::event);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read gateway events: " + e.getMessage(), e);
        }
    }
}
