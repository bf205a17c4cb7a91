package io.vitalwire.ingest.resolve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device lookups shared by every replica through PostgreSQL (table {@code device_lookup}): what one replica read
 * from the FHIR server serves the others, and itself after a restart, until it is as old as the cache TTL. So
 * while the FHIR server is unreachable, readings of a device any replica looked up recently still resolve — and
 * reach InfluxDB — on whichever replica takes them. A failing database is a cache miss, never an error.
 */
@Singleton
class SharedLookups {

    private static final Logger LOG = LoggerFactory.getLogger(SharedLookups.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    SharedLookups(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A lookup kept for a device, with when it was read from FHIR. */
    record Shared(DeviceLookup.Registered lookup, Instant fetchedAt) {
    }

    /** The device's lookup if one was read from FHIR after {@code notBefore}. */
    Optional<Shared> fresh(String identifier, Instant notBefore) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT lookup, fetched_at FROM device_lookup WHERE identifier = ? AND fetched_at > ?")) {
            select.setString(1, identifier);
            select.setTimestamp(2, Timestamp.from(notBefore));
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Shared(decode(JSON.readTree(rs.getString(1))),
                        rs.getTimestamp(2).toInstant()));
            }
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("shared device lookups unreadable, asking FHIR: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Keeps a lookup just read from FHIR for the other replicas. */
    void put(String identifier, DeviceLookup.Registered lookup, Instant fetchedAt) {
        update("INSERT INTO device_lookup (identifier, lookup, fetched_at) VALUES (?, ?::jsonb, ?) "
                + "ON CONFLICT (identifier) DO UPDATE SET lookup = EXCLUDED.lookup, fetched_at = EXCLUDED.fetched_at "
                + "WHERE device_lookup.fetched_at < EXCLUDED.fetched_at", identifier, encode(lookup).toString(),
                fetchedAt);
    }

    /** Forgets the device's lookup (its assignments are about to be read afresh). */
    void forget(String identifier) {
        update("DELETE FROM device_lookup WHERE identifier = ?", identifier, null, null);
    }

    private void update(String sql, String identifier, String lookup, Instant at) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, identifier);
            if (lookup != null) {
                update.setString(2, lookup);
                update.setTimestamp(3, Timestamp.from(at));
            }
            update.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            LOG.warn("shared device lookups not updated: {}", e.getMessage());
        }
    }

    private static ObjectNode encode(DeviceLookup.Registered lookup) {
        ObjectNode json = JSON.createObjectNode();
        json.put("device", lookup.device());
        json.put("currentPatient", lookup.currentPatient());
        ArrayNode history = json.putArray("history");
        for (Assignment a : lookup.history()) {
            history.addObject()
                    .put("patient", a.patient())
                    .put("start", a.start() == null ? null : a.start().toString())
                    .put("end", a.end() == null ? null : a.end().toString());
        }
        return json;
    }

    private static DeviceLookup.Registered decode(JsonNode json) {
        List<Assignment> history = new ArrayList<>();
        for (JsonNode a : json.path("history")) {
            history.add(new Assignment(a.get("patient").asText(), instant(a.get("start")), instant(a.get("end"))));
        }
        return new DeviceLookup.Registered(json.get("device").asText(), text(json.get("currentPatient")), history);
    }

    private static Instant instant(JsonNode node) {
        String text = text(node);
        return text == null ? null : Instant.parse(text);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.asText();
    }
}
