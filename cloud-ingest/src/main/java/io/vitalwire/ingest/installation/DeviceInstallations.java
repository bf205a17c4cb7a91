package io.vitalwire.ingest.installation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of which hub each device is installed at ({@code device_installation}, V13__gateway_binding.sql),
 * and its audit trail ({@code device_installation_audit}): every installation, whether bound on first use or made by
 * an operator, records who, when, the hub before and the hub after.
 *
 * <p>Why in cloud-ingest's PostgreSQL rather than in FHIR ({@code Device.parent}, {@code Device.location}): the hubs
 * are not FHIR resources today, and the check runs for every reading, so it belongs beside the inbox it guards —
 * read in one query per claim, written in the same database as the audit, with no second system to keep in step.
 * Assignments to patients stay the clinical side's, in FHIR; the installation is an operations fact.
 *
 * <p>Every committed change is published as an {@link InstallationChanged} event.
 *
 * <p>Metric: {@code vitalwire.ingest.installations{how=first-use|operator}}.
 */
@Singleton
public class DeviceInstallations {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceInstallations.class);

    private final DataSource dataSource;
    private final InstallationConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final DeviceAliases aliases;
    private final ApplicationEventPublisher<InstallationChanged> changes;

    public DeviceInstallations(DataSource dataSource, InstallationConfig config, MeterRegistry metrics, Clock clock,
                               DeviceAliases aliases, ApplicationEventPublisher<InstallationChanged> changes) {
        this.changes = changes;
        this.dataSource = dataSource;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.aliases = aliases;
    }

    /**
     * One change of a device's installation.
     *
     * @param before     the hub before; {@code null} for the first installation
     * @param readingKey the reading that bound the device on first use; {@code null} for an operator's change
     * @param note       the operator's reason; {@code null} when none was given
     */
    public record Change(long id, String device, Instant at, String by, Hub before, Hub after, String readingKey,
                         String note) {
    }

    /** The installations of the devices (stable ids) that have one. */
    public Map<String, Installation> of(Collection<String> devices) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT device, tenant, gateway, installed_at, "
                     + "installed_by FROM device_installation WHERE device = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", devices.stream().distinct().toArray()));
            Map<String, Installation> found = new HashMap<>();
            for (Installation i : Jdbc.list(select, DeviceInstallations::installation)) {
                found.put(i.device(), i);
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read device installations: " + e.getMessage(), e);
        }
    }

    /** The device's installation, if one was recorded. */
    public Optional<Installation> of(String device) {
        return Optional.ofNullable(of(List.of(device)).get(device));
    }

    /** The devices (stable ids) installed at {@code hub}, in id order. */
    public List<String> devicesAt(Hub hub) {
        try {
            return Jdbc.query(dataSource, "SELECT device FROM device_installation WHERE tenant = ? AND gateway = ? "
                    + "ORDER BY device", rs -> rs.getString(1), hub.tenant(), hub.gateway());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the devices of a hub: " + e.getMessage(), e);
        }
    }

    /** Whether a reading of the device sent by {@code hub} may be taken, as far as its installation goes. */
    public boolean admits(String device, Hub hub) {
        return of(device).map(i -> i.hub().equals(hub)).orElse(config.getFirstUse() == FirstUse.BIND);
    }

    /** The policy for a device no installation names yet. */
    public FirstUse firstUse() {
        return config.getFirstUse();
    }

    /**
     * Installs the device at {@code hub} on its first use, unless another installation was recorded meanwhile (another
     * replica, another hub in the same instant): audited, counted and logged as an alarm for operators, since
     * nobody confirmed it.
     *
     * @return the device's installation now: this one, or the one that came first
     */
    public Installation bindOnFirstUse(String device, Hub hub, String readingKey) {
        Instant now = clock.instant();
        try {
            Optional<Long> audit = Jdbc.inTransaction(dataSource, c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO device_installation (device, tenant, "
                        + "gateway, installed_at, installed_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device) DO NOTHING")) {
                    insert.setString(1, device);
                    insert.setString(2, hub.tenant());
                    insert.setString(3, hub.gateway());
                    insert.setTimestamp(4, Timestamp.from(now));
                    insert.setString(5, Installation.FIRST_USE);
                    if (insert.executeUpdate() == 0) {
                        return Optional.<Long>empty();
                    }
                }
                return Optional.of(audit(c, device, now, Installation.FIRST_USE, null, hub, readingKey, null));
            });
            audit.ifPresent(id -> {
                changes.publishEvent(new InstallationChanged(null, hub));
                metrics.counter("vitalwire.ingest.installations", "how", "first-use").increment();
                // By alias (identifiers stay out of the logs; `cloud-ingest.jar alias` maps it); the audit entry
                // names the device.
                LOG.warn("device {} was installed at hub {} on its first use, unconfirmed (installation audit entry "
                        + "{}): check it, or move the device with PUT /admin/devices/{{device}}/gateway",
                        aliases.of(device), hub, id);
            });
            return of(device).orElseThrow();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a device installation: " + e.getMessage(), e);
        }
    }

    /**
     * Installs the device at {@code hub} (a first installation or a move to another hub), by an operator, audited.
     *
     * @return the change, as audited
     */
    public Change install(String device, Hub hub, String actor, String note) {
        Instant now = clock.instant();
        try {
            Change change = Jdbc.inTransaction(dataSource, c -> {
                Hub before = null;
                try (PreparedStatement select = c.prepareStatement("SELECT device, tenant, gateway, installed_at, "
                        + "installed_by FROM device_installation WHERE device = ? FOR UPDATE")) {
                    select.setString(1, device);
                    List<Installation> current = Jdbc.list(select, DeviceInstallations::installation);
                    if (!current.isEmpty()) {
                        before = current.get(0).hub();
                    }
                }
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO device_installation (device, tenant, "
                        + "gateway, installed_at, installed_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (device) DO UPDATE "
                        + "SET tenant = EXCLUDED.tenant, gateway = EXCLUDED.gateway, "
                        + "installed_at = EXCLUDED.installed_at, installed_by = EXCLUDED.installed_by")) {
                    upsert.setString(1, device);
                    upsert.setString(2, hub.tenant());
                    upsert.setString(3, hub.gateway());
                    upsert.setTimestamp(4, Timestamp.from(now));
                    upsert.setString(5, actor);
                    upsert.executeUpdate();
                }
                long id = audit(c, device, now, actor, before, hub, null, note);
                return new Change(id, device, now, actor, before, hub, null, note);
            });
            metrics.counter("vitalwire.ingest.installations", "how", "operator").increment();
            changes.publishEvent(new InstallationChanged(change.before(), hub));
            return change;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a device installation: " + e.getMessage(), e);
        }
    }

    /** The device's installation changes, newest first. */
    public List<Change> audit(String device, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, device, changed_at, changed_by, before_tenant, "
                     + "before_gateway, after_tenant, after_gateway, reading_key, note FROM device_installation_audit "
                     + "WHERE device = ? ORDER BY id DESC LIMIT ?")) {
            select.setString(1, device);
            select.setInt(2, limit);
            return Jdbc.list(select, rs -> new Change(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                    rs.getString(4), rs.getString(5) == null ? null : new Hub(rs.getString(5), rs.getString(6)),
                    new Hub(rs.getString(7), rs.getString(8)), rs.getString(9), rs.getString(10)));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the installation audit: " + e.getMessage(), e);
        }
    }

    private static long audit(Connection c, String device, Instant at, String by, Hub before, Hub after,
                              String readingKey, String note) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO device_installation_audit (device, "
                + "changed_at, changed_by, before_tenant, before_gateway, after_tenant, after_gateway, reading_key, "
                + "note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            insert.setString(1, device);
            insert.setTimestamp(2, Timestamp.from(at));
            insert.setString(3, by);
            insert.setString(4, before == null ? null : before.tenant());
            insert.setString(5, before == null ? null : before.gateway());
            insert.setString(6, after.tenant());
            insert.setString(7, after.gateway());
            insert.setString(8, readingKey);
            insert.setString(9, note);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Installation installation(ResultSet rs) throws SQLException {
        return new Installation(rs.getString(1), new Hub(rs.getString(2), rs.getString(3)),
                rs.getTimestamp(4).toInstant(), rs.getString(5));
    }
}
