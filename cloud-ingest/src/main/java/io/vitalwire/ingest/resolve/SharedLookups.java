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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** The lookups of those identifiers that were read from FHIR after {@code notBefore}. */
    Map<String, Shared> fresh(Collection<String> identifiers, Instant notBefore) {
        Map<String, Shared> fresh = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT identifier, lookup, fetched_at FROM device_lookup "
                     + "WHERE identifier = ANY(?) AND fetched_at > ?")) {
            select.setArray(1, c.createArrayOf("text", identifiers.toArray()));
            select.setTimestamp(2, Timestamp.from(notBefore));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    fresh.put(rs.getString(1), new Shared(decode(JSON.readTree(rs.getString(2))),
                            rs.getTimestamp(3).toInstant()));
                }
            }
            return fresh;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("shared device lookups unreadable, asking FHIR: {}", e.getMessage());
            return Map.of();
        }
    }

    /** Keeps lookups just read from FHIR for the other replicas. */
    void put(List<Map.Entry<String, DeviceLookup.Registered>> lookups, Instant fetchedAt) {
        if (lookups.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO device_lookup (identifier, lookup, fetched_at) "
                     + "SELECT identifier, lookup::jsonb, ? FROM unnest(?::text[], ?::text[]) AS l(identifier, lookup) "
                     + "ORDER BY identifier ON CONFLICT (identifier) DO UPDATE SET lookup = EXCLUDED.lookup, "
                     + "fetched_at = EXCLUDED.fetched_at WHERE device_lookup.fetched_at < EXCLUDED.fetched_at")) {
            upsert.setTimestamp(1, Timestamp.from(fetchedAt));
            upsert.setArray(2, c.createArrayOf("text", lookups.stream().map(Map.Entry::getKey).toArray()));
            upsert.setArray(3, c.createArrayOf("text", lookups.stream().map(l -> encode(l.getValue()).toString())
                    .toArray()));
            upsert.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            LOG.warn("shared device lookups not updated: {}", e.getMessage());
        }
    }

    /** Forgets the device's lookup (its assignments are about to be read afresh). */
    void forget(String identifier) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("DELETE FROM device_lookup WHERE identifier = ?")) {
            update.setString(1, identifier);
            update.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        } catch (SQLException e) {
            LOG.warn("shared device lookups not updated: {}", e.getMessage());
        }
    }

    static ObjectNode encode(DeviceLookup.Registered lookup) {
        ObjectNode json = JSON.createObjectNode();
        json.put("device", lookup.device());
        json.put("currentPatient", lookup.currentPatient());
        ArrayNode history = json.putArray("history");
        for (Assignment a : lookup.history()) {
            history.addObject()
                    .put("patient", a.patient())
                    .put("start", a.start() == null ? null : a.start().toString())
                    .put("end", a.end() == null ? null : a.end().toString())
                    .put("userIndex", a.userIndex());
        }
        return json;
    }

    static DeviceLookup.Registered decode(JsonNode json) {
        List<Assignment> history = new ArrayList<>();
        for (JsonNode a : json.path("history")) {
            // Entries written before user slots were recorded have no "userIndex": whole-device assignments.
            JsonNode slot = a.get("userIndex");
            history.add(new Assignment(a.get("patient").asText(), instant(a.get("start")), instant(a.get("end")),
                    slot == null || slot.isNull() ? null : slot.asInt()));
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
