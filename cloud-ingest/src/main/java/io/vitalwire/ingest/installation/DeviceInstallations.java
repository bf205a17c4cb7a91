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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /** A device's first assigned reading, sent by {@code hub}: what binds it there. */
    public record FirstUseOf(String device, Hub hub, String readingKey) {
    }

    /**
     * Installs each device at its hub on its first use, unless another installation was recorded meanwhile (another
     * replica, another hub in the same instant): audited, counted and logged as an alarm for operators, since
     * nobody confirmed it. All of them in one transaction (a claim's first uses: a fleet's first day binds tens of
     * thousands of devices, and a transaction each — a WAL flush each — held the resolve stage back), and one
     * {@link InstallationChanged} per hub that gained devices.
     *
     * @param firstUses one per device
     * @return each device's installation now: its own, or the one that came first
     */
    public Map<String, Installation> bindOnFirstUse(List<FirstUseOf> firstUses) {
        if (firstUses.isEmpty()) {
            return Map.of();
        }
        Instant now = clock.instant();
        List<FirstUseOf> ordered = firstUses.stream().sorted(Comparator.comparing(FirstUseOf::device)).toList();
        Map<String, Long> audits = new LinkedHashMap<>();
        try {
            // Devices in one order, so that two replicas binding overlapping devices cannot deadlock.
            Jdbc.inTransaction(dataSource, c -> {
                try (PreparedStatement insert = c.prepareStatement("WITH w AS (SELECT * FROM unnest(?::text[], "
                        + "?::text[], ?::text[], ?::text[]) AS w(device, tenant, gateway, reading_key)), "
                        + "i AS (INSERT INTO device_installation (device, tenant, gateway, installed_at, installed_by) "
                        + "SELECT device, tenant, gateway, ?, ? FROM w ORDER BY device ON CONFLICT (device) DO NOTHING "
                        + "RETURNING device, tenant, gateway) "
                        + "INSERT INTO device_installation_audit (device, changed_at, changed_by, before_tenant, "
                        + "before_gateway, after_tenant, after_gateway, reading_key, note) "
                        + "SELECT i.device, ?, ?, NULL, NULL, i.tenant, i.gateway, w.reading_key, NULL "
                        + "FROM i JOIN w ON w.device = i.device ORDER BY i.device RETURNING device, id")) {
                    Timestamp at = Timestamp.from(now);
                    insert.setArray(1, c.createArrayOf("text", ordered.stream().map(FirstUseOf::device).toArray()));
                    insert.setArray(2, c.createArrayOf("text", ordered.stream().map(f -> f.hub().tenant()).toArray()));
                    insert.setArray(3, c.createArrayOf("text", ordered.stream().map(f -> f.hub().gateway()).toArray()));
                    insert.setArray(4, c.createArrayOf("text", ordered.stream().map(FirstUseOf::readingKey).toArray()));
                    insert.setTimestamp(5, at);
                    insert.setString(6, Installation.FIRST_USE);
                    insert.setTimestamp(7, at);
                    insert.setString(8, Installation.FIRST_USE);
                    try (ResultSet rs = insert.executeQuery()) {
                        while (rs.next()) {
                            audits.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                }
                return audits.size();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a device installation: " + e.getMessage(), e);
        }
        Set<Hub> gained = new LinkedHashSet<>();
        for (FirstUseOf f : ordered) {
            Long audit = audits.get(f.device());
            if (audit == null) {
                continue;
            }
            gained.add(f.hub());
            // By alias (identifiers stay out of the logs; `cloud-ingest.jar alias` maps it); the audit entry
            // names the device.
            LOG.warn("device {} was installed at hub {} on its first use, unconfirmed (installation audit entry "
                    + "{}): check it, or move the device with PUT /admin/devices/{{device}}/gateway",
                    aliases.of(f.device()), f.hub(), audit);
        }
        if (!audits.isEmpty()) {
            metrics.counter("vitalwire.ingest.installations", "how", "first-use").increment(audits.size());
        }
        gained.forEach(hub -> changes.publishEvent(new InstallationChanged(null, hub)));
        return of(ordered.stream().map(FirstUseOf::device).toList());
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
