package io.vitalwire.ingest.operations;

import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.rules.Severity;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The devices' batteries in PostgreSQL ({@code device_battery}, V10__operations.sql): the level last reported and the
 * last low-battery alert. Every method runs in the caller's transaction, which first takes the device's lock
 * ({@link #lock}): a report's level and the alert it raises commit together, and two replicas never judge one
 * device's reports at once.
 */
@Singleton
class BatteryStore {

    /** Namespace of the transaction advisory locks on a device (gateways' are 0x5657_0400). */
    private static final int LOCK_NAMESPACE = 0x5657_0401;

    /** Waits for the device's lock, held until the transaction ends. */
    void lock(Connection c, String tenant, String device) throws SQLException {
        Jdbc.transactionLock(c, LOCK_NAMESPACE, (tenant + "/" + device).hashCode());
    }

    /** The device's last low-battery alert, if any. */
    Optional<BatteryRule.LastAlert> lastAlert(Connection c, String tenant, String device) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT alerted_severity, alerted_at FROM device_battery "
                + "WHERE tenant = ? AND device = ? AND alerted_at IS NOT NULL")) {
            select.setString(1, tenant);
            select.setString(2, device);
            return Jdbc.list(select, rs -> new BatteryRule.LastAlert(Severity.of(rs.getString(1)),
                    rs.getTimestamp(2).toInstant())).stream().findFirst();
        }
    }

    /** Keeps the level reported at {@code at}, unless a later report's is already kept (one arrived late). */
    void reported(Connection c, String tenant, String device, String gateway, int level, Instant at)
            throws SQLException {
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO device_battery (tenant, device, gateway, "
                + "level, reported_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, device) DO UPDATE SET "
                + "gateway = EXCLUDED.gateway, level = EXCLUDED.level, reported_at = EXCLUDED.reported_at "
                + "WHERE device_battery.reported_at <= EXCLUDED.reported_at")) {
            upsert.setString(1, tenant);
            upsert.setString(2, device);
            upsert.setString(3, gateway);
            upsert.setInt(4, level);
            upsert.setTimestamp(5, Timestamp.from(at));
            upsert.executeUpdate();
        }
    }

    /** The report at {@code at} raised an alert of {@code severity}: the suppression counts from it. */
    void alerted(Connection c, String tenant, String device, Severity severity, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE device_battery SET alerted_severity = ?, "
                + "alerted_at = ? WHERE tenant = ? AND device = ?")) {
            update.setString(1, severity.id());
            update.setTimestamp(2, Timestamp.from(at));
            update.setString(3, tenant);
            update.setString(4, device);
            if (update.executeUpdate() != 1) {
                throw new SQLException("no battery row of the device to mark alerted");
            }
        }
    }
}
