package io.vitalwire.ingest.operations;

import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The gateways' presence in PostgreSQL ({@code gateway_presence}, V10__operations.sql), shared by every replica. Each
 * message is one upsert (replicas receiving one gateway's messages at once serialize on its row), and
 * {@code last_heard_at} only moves forward, whatever order they commit in.
 */
@Singleton
public class PresenceStore {

    /** Namespace of the transaction advisory locks on a gateway (rules 0x5657_0200, webhooks 0x5657_0300). */
    static final int LOCK_NAMESPACE = 0x5657_0400;

    private static final String COLUMNS = "tenant, gateway, state, state_since, state_at, software, last_status_at, "
            + "queue_depth, oldest_unsent_ms, uplink, last_heard_at, offline_alerted_for";

    private final DataSource dataSource;

    public PresenceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A gateway of a tenant. */
    record GatewayRef(String tenant, String gateway) {

        /** The key of its advisory lock. */
        int lockKey() {
            return (tenant + "/" + gateway).hashCode();
        }
    }

    /**
     * A gateway's presence as stored; times are arrivals by cloud-ingest's clock unless named the gateway's.
     *
     * @param stateAt           the gateway's time in the state message that set {@code state}
     * @param lastHeardAt       the last message of either kind: silent since
     * @param offlineAlertedFor the {@code lastHeardAt} of the silence an offline alert was raised for, if any
     */
    public record Presence(String tenant, String gateway, PresenceState state, Instant stateSince, Instant stateAt,
                           String software, Instant lastStatusAt, Long queueDepth, Long oldestUnsentMillis,
                           String uplink, Instant lastHeardAt, Instant offlineAlertedFor) {
    }

    /** Any → ONLINE (its birth message): heard now. */
    void online(GatewayRef g, Instant stateAt, String software, Instant now) throws SQLException {
        state(g, PresenceState.ONLINE, stateAt, software, now);
    }

    /** Any → OFFLINE (its last will, or its clean shutdown): heard now; silent from now on. */
    void offline(GatewayRef g, Instant stateAt, String software, Instant now) throws SQLException {
        state(g, PresenceState.OFFLINE, stateAt, software, now);
    }

    /**
     * A gateway not known yet, as its retained state says (a replay when a replica subscribed): from nothing to
     * {@code state}, heard now — the first this service hears of it. A gateway known already is left as it is.
     */
    void introduce(GatewayRef g, PresenceState state, Instant stateAt, String software, Instant now)
            throws SQLException {
        state(g, state, stateAt, software, now, "DO NOTHING");
    }

    private void state(GatewayRef g, PresenceState to, Instant stateAt, String software, Instant now)
            throws SQLException {
        state(g, to, stateAt, software, now, "DO UPDATE SET state = EXCLUDED.state, "
                + "state_since = CASE WHEN gateway_presence.state = EXCLUDED.state "
                + "THEN gateway_presence.state_since ELSE EXCLUDED.state_since END, "
                + "state_at = EXCLUDED.state_at, software = COALESCE(EXCLUDED.software, gateway_presence.software), "
                + "last_heard_at = GREATEST(gateway_presence.last_heard_at, EXCLUDED.last_heard_at)");
    }

    private void state(GatewayRef g, PresenceState to, Instant stateAt, String software, Instant now,
                       String onConflict) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO gateway_presence (tenant, gateway, state, "
                     + "state_since, state_at, software, last_heard_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                     + "ON CONFLICT (tenant, gateway) " + onConflict)) {
            upsert.setString(1, g.tenant());
            upsert.setString(2, g.gateway());
            upsert.setString(3, to.name());
            upsert.setTimestamp(4, Timestamp.from(now));
            upsert.setTimestamp(5, Timestamp.from(stateAt));
            upsert.setString(6, software);
            upsert.setTimestamp(7, Timestamp.from(now));
            upsert.executeUpdate();
            commit(c);
        }
    }

    /**
     * A heartbeat: heard now, with what it says. A gateway OFFLINE by a state message its gateway sent (by its own
     * clock) before this heartbeat is ONLINE again: that offline was a late will of an earlier connection. A gateway
     * never heard of is ONLINE from its first heartbeat.
     */
    void heartbeat(GatewayRef g, Instant statusAt, Long queueDepth, Long oldestUnsentMillis, String uplink,
                   Long configVersion, Instant now) throws SQLException {
        String backOnline = "gateway_presence.state = 'OFFLINE' AND gateway_presence.state_at < ?";
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO gateway_presence (tenant, gateway, state, "
                     + "state_since, last_status_at, queue_depth, oldest_unsent_ms, uplink, last_heard_at, "
                     + "config_version) VALUES (?, ?, 'ONLINE', ?, ?, ?, ?, ?, ?, ?) "
                     + "ON CONFLICT (tenant, gateway) DO UPDATE SET "
                     + "state = CASE WHEN " + backOnline + " THEN 'ONLINE' ELSE gateway_presence.state END, "
                     + "state_since = CASE WHEN " + backOnline + " THEN EXCLUDED.state_since "
                     + "ELSE gateway_presence.state_since END, "
                     + "last_status_at = GREATEST(gateway_presence.last_status_at, EXCLUDED.last_status_at), "
                     + "queue_depth = EXCLUDED.queue_depth, oldest_unsent_ms = EXCLUDED.oldest_unsent_ms, "
                     + "uplink = EXCLUDED.uplink, config_version = EXCLUDED.config_version, "
                     + "last_heard_at = GREATEST(gateway_presence.last_heard_at, EXCLUDED.last_heard_at)")) {
            upsert.setString(1, g.tenant());
            upsert.setString(2, g.gateway());
            upsert.setTimestamp(3, Timestamp.from(now));
            upsert.setTimestamp(4, Timestamp.from(now));
            upsert.setObject(5, queueDepth);
            upsert.setObject(6, oldestUnsentMillis);
            upsert.setString(7, uplink);
            upsert.setTimestamp(8, Timestamp.from(now));
            upsert.setObject(9, configVersion);
            upsert.setTimestamp(10, Timestamp.from(statusAt));
            upsert.setTimestamp(11, Timestamp.from(statusAt));
            upsert.executeUpdate();
            commit(c);
        }
    }

    /** Gateways silent since before {@code cutoff} and not alerted for that silence, longest silent first. */
    List<GatewayRef> silent(Instant cutoff, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT tenant, gateway FROM gateway_presence "
                     + "WHERE last_heard_at < ? AND offline_alerted_for IS DISTINCT FROM last_heard_at "
                     + "ORDER BY last_heard_at LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(cutoff));
            select.setInt(2, limit);
            return Jdbc.list(select, rs -> new GatewayRef(rs.getString(1), rs.getString(2)));
        }
    }

    /**
     * Not alerted → alerted for the gateway's current silence, if it is still silent since before {@code cutoff},
     * within the caller's transaction. The row lock makes the check and the mark one step: a heartbeat committing
     * meanwhile either comes first (no longer silent: nothing) or after (a new period).
     *
     * @return when the silence began (the last time it was heard), if it was marked now
     */
    Optional<Instant> markOfflineAlerted(Connection c, GatewayRef g, Instant cutoff) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE gateway_presence "
                + "SET offline_alerted_for = last_heard_at WHERE tenant = ? AND gateway = ? AND last_heard_at < ? "
                + "AND offline_alerted_for IS DISTINCT FROM last_heard_at RETURNING last_heard_at")) {
            update.setString(1, g.tenant());
            update.setString(2, g.gateway());
            update.setTimestamp(3, Timestamp.from(cutoff));
            return Jdbc.list(update, rs -> rs.getTimestamp(1).toInstant()).stream().findFirst();
        }
    }

    /** The presence of every gateway with this id (one per tenant that has one). */
    public List<Presence> find(String gateway) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                     + " FROM gateway_presence WHERE gateway = ? ORDER BY tenant")) {
            select.setString(1, gateway);
            return Jdbc.list(select, PresenceStore::presence);
        }
    }

    private static Presence presence(ResultSet rs) throws SQLException {
        return new Presence(rs.getString("tenant"), rs.getString("gateway"),
                PresenceState.valueOf(rs.getString("state")), instant(rs, "state_since"), instant(rs, "state_at"),
                rs.getString("software"), instant(rs, "last_status_at"), (Long) rs.getObject("queue_depth"),
                (Long) rs.getObject("oldest_unsent_ms"), rs.getString("uplink"), instant(rs, "last_heard_at"),
                instant(rs, "offline_alerted_for"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static void commit(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
