package io.vitalwire.ingest.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fleet as PostgreSQL knows it, one page per query: the hubs heard of ({@code gateway_presence}, from their state
 * messages and heartbeats) and those registered to a tenant but never heard of ({@code gateway_tenant}), in
 * (tenant, gateway) order, each with the devices installed at it ({@code device_installation}) and their last
 * battery level ({@code device_battery}). Both sources are read in index order and merged, so a page costs the
 * same on the first and the last page of a large fleet.
 */
@Singleton
public class FleetStore {

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper();

    public FleetStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What to list: the tenant (or all), hubs silent since before {@code silentBefore} (or all), from a cursor. */
    record Query(String tenant, Instant silentBefore, FleetCursor after, int limit) {
    }

    /** A hub as stored; presence fields null when it was never heard of. */
    record StoredHub(String tenant, String gateway, String state, Instant stateSince, String software,
                     Instant lastStatusAt, Long queueDepth, Long oldestUnsentMillis, String uplink,
                     Instant lastHeardAt, Long configVersion, Long configIssued, List<StoredDevice> devices) {
    }

    /** A device installed at the hub; battery fields null when it never reported one. */
    record StoredDevice(String device, Instant installedAt, Integer battery, Instant batteryReportedAt) {
    }

    List<StoredHub> find(Query q) throws SQLException {
        String keyset = "(tenant, gateway) > (?, ?)" + (q.tenant() == null ? "" : " AND tenant = ?");
        // Each branch ordered and limited on its own index, merged (Merge Append), so a page reads about a page of
        // rows. OFFSET 0 keeps NOT EXISTS a per-row index probe: as an anti-join, PostgreSQL hashed every hub's
        // presence for each page (10,000 hubs: 38 ms instead of 11 ms for a page of 1000, measured).
        // Never-heard hubs have no silence to measure: a filter on silence leaves them out.
        String neverHeard = q.silentBefore() != null ? "" : " UNION ALL (SELECT tenant, gateway FROM gateway_tenant t "
                + "WHERE " + keyset + " AND NOT EXISTS (SELECT 1 FROM gateway_presence p "
                + "WHERE p.tenant = t.tenant AND p.gateway = t.gateway OFFSET 0) ORDER BY tenant, gateway LIMIT ?)";
        String sql = "WITH page AS (SELECT tenant, gateway FROM ((SELECT tenant, gateway FROM gateway_presence WHERE "
                + keyset + (q.silentBefore() == null ? "" : " AND last_heard_at < ?")
                + " ORDER BY tenant, gateway LIMIT ?)" + neverHeard + ") h ORDER BY tenant, gateway LIMIT ?) "
                + "SELECT page.tenant, page.gateway, p.state, p.state_since, p.software, p.last_status_at, "
                + "p.queue_depth, p.oldest_unsent_ms, p.uplink, p.last_heard_at, p.config_version, "
                + "gc.version AS config_issued, d.devices FROM page "
                + "LEFT JOIN gateway_presence p ON p.tenant = page.tenant AND p.gateway = page.gateway "
                + "LEFT JOIN gateway_config gc ON gc.gateway = page.gateway AND gc.tenant = page.tenant "
                + "LEFT JOIN LATERAL (SELECT json_agg(json_build_object('device', i.device, 'installedAt', "
                + "i.installed_at, 'battery', b.level, 'batteryReportedAt', b.reported_at) ORDER BY i.device) "
                + "AS devices FROM device_installation i LEFT JOIN device_battery b ON b.tenant = i.tenant "
                + "AND b.device = i.device WHERE i.tenant = page.tenant AND i.gateway = page.gateway) d ON true "
                + "ORDER BY page.tenant, page.gateway";
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            int i = keyset(select, 1, q);
            if (q.silentBefore() != null) {
                select.setTimestamp(i++, Timestamp.from(q.silentBefore()));
            }
            select.setInt(i++, q.limit());
            if (q.silentBefore() == null) {
                i = keyset(select, i, q);
                select.setInt(i++, q.limit());
            }
            select.setInt(i, q.limit());
            return Jdbc.list(select, this::hub);
        }
    }

    private static int keyset(PreparedStatement select, int from, Query q) throws SQLException {
        int i = from;
        select.setString(i++, q.after().tenant());
        select.setString(i++, q.after().gateway());
        if (q.tenant() != null) {
            select.setString(i++, q.tenant());
        }
        return i;
    }

    private StoredHub hub(ResultSet rs) throws SQLException {
        return new StoredHub(rs.getString("tenant"), rs.getString("gateway"), rs.getString("state"),
                instant(rs, "state_since"), rs.getString("software"), instant(rs, "last_status_at"),
                (Long) rs.getObject("queue_depth"), (Long) rs.getObject("oldest_unsent_ms"), rs.getString("uplink"),
                instant(rs, "last_heard_at"), (Long) rs.getObject("config_version"),
                (Long) rs.getObject("config_issued"), devices(rs.getString("devices")));
    }

    private List<StoredDevice> devices(String array) throws SQLException {
        List<StoredDevice> devices = new ArrayList<>();
        if (array == null) {
            return devices;
        }
        try {
            for (JsonNode d : json.readTree(array)) {
                devices.add(new StoredDevice(d.get("device").asText(), time(d.get("installedAt")),
                        d.get("battery").isNull() ? null : d.get("battery").asInt(), time(d.get("batteryReportedAt"))));
            }
        } catch (IOException e) {
            throw new SQLException("unreadable devices of a hub: " + e.getMessage(), e);
        }
        return devices;
    }

    private static Instant time(JsonNode node) {
        return node == null || node.isNull() ? null : OffsetDateTime.parse(node.asText()).toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
