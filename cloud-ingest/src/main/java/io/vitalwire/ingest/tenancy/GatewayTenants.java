package io.vitalwire.ingest.tenancy;

import io.micronaut.context.event.ApplicationEventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.installation.Hub;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The registry of which tenant each gateway belongs to ({@code gateway_tenant}, V15__gateway_tenant.sql) and its
 * audit trail ({@code gateway_tenant_audit}): every registration, whether made by a gateway's first reading or by an
 * operator, records who, when, the tenant before and the tenant after. Each change is one SQL statement, so the
 * audit entry is written exactly when the registration is.
 *
 * <p>Why cloud-ingest keeps its own record although the broker checks the tenant already: cloud-ingest never sees
 * the certificates, only topics, and the broker's ACL is a file an operator renders and installs; a stale or
 * hand-edited ACL, or a second broker, must not be enough to put one tenant's readings into another's records.
 * Like the device installations, it sits beside the inbox it guards and is read in one query per claimed batch.
 *
 * <p>Metric: {@code vitalwire.ingest.gateway-registrations{how=first-use|operator}}.
 */
@Singleton
public class GatewayTenants {

    private static final String COLUMNS = "gateway, tenant, registered_at, registered_by";
    /** A first registration: none if the gateway has one already; audited only if made. */
    private static final String FIRST_USE = "WITH registered AS (INSERT INTO gateway_tenant (" + COLUMNS
            + ") VALUES (?, ?, ?, ?) ON CONFLICT (gateway) DO NOTHING RETURNING gateway) "
            + "INSERT INTO gateway_tenant_audit (gateway, changed_at, changed_by, after_tenant, reading_key) "
            + "SELECT gateway, ?, ?, ?, ? FROM registered RETURNING id";
    /**
     * An operator's registration: the current row locked and read (every part of the statement sees the data as
     * before it), replaced, and the change audited with the tenant before.
     */
    private static final String OPERATOR = "WITH before AS (SELECT tenant FROM gateway_tenant WHERE gateway = ? "
            + "FOR UPDATE), registered AS (INSERT INTO gateway_tenant (" + COLUMNS + ") VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (gateway) DO UPDATE SET tenant = EXCLUDED.tenant, registered_at = EXCLUDED.registered_at, "
            + "registered_by = EXCLUDED.registered_by) INSERT INTO gateway_tenant_audit (gateway, changed_at, "
            + "changed_by, before_tenant, after_tenant, note) SELECT ?, ?, ?, (SELECT tenant FROM before), ?, ? "
            + "RETURNING id, before_tenant";

    private final DataSource dataSource;
    private final TenancyConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final ApplicationEventPublisher<TenantChanged> changes;

    public GatewayTenants(DataSource dataSource, TenancyConfig config, MeterRegistry metrics, Clock clock,
                          ApplicationEventPublisher<TenantChanged> changes) {
        this.dataSource = dataSource;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.changes = changes;
    }

    /**
     * One change of a gateway's tenant.
     *
     * @param before     the tenant before; {@code null} for the first registration
     * @param readingKey the reading that registered the gateway on first use; {@code null} for an operator's change
     * @param note       the operator's reason; {@code null} when none was given
     */
    public record Change(long id, String gateway, Instant at, String by, String before, String after,
                         String readingKey, String note) {
    }

    /** The registrations of the gateways that have one. */
    public Map<String, Registration> of(Collection<String> gateways) {
        try {
            return Jdbc.query(dataSource, "SELECT " + COLUMNS + " FROM gateway_tenant WHERE gateway = ANY (?)",
                    GatewayTenants::registration, (Object) gateways.stream().distinct().toArray(String[]::new))
                    .stream().collect(Collectors.toMap(Registration::gateway, Function.identity()));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read gateway tenants: " + e.getMessage(), e);
        }
    }

    /** The gateway's registration, if one was recorded. */
    public Optional<Registration> of(String gateway) {
        return Optional.ofNullable(of(List.of(gateway)).get(gateway));
    }

    /** Whether a reading sent by {@code hub} may be taken, as far as its gateway's tenant goes. */
    public boolean admits(Hub hub) {
        return of(hub.gateway()).map(r -> r.tenant().equals(hub.tenant()))
                .orElse(config.getFirstUse() == FirstReading.BIND);
    }

    /** The policy for a gateway no registration names yet. */
    public FirstReading firstUse() {
        return config.getFirstUse();
    }

    /**
     * Registers the gateway under {@code hub}'s tenant on its first reading, unless another registration was
     * recorded meanwhile (another replica, the same gateway under another tenant in the same instant): audited and
     * counted.
     *
     * @return the gateway's registration now: this one, or the one that came first
     */
    public Registration registerOnFirstUse(Hub hub, String readingKey) {
        Timestamp now = Timestamp.from(clock.instant());
        try {
            if (!Jdbc.query(dataSource, FIRST_USE, rs -> rs.getLong(1), hub.gateway(), hub.tenant(), now,
                    Registration.FIRST_USE, now, Registration.FIRST_USE, hub.tenant(), readingKey).isEmpty()) {
                metrics.counter("vitalwire.ingest.gateway-registrations", "how", "first-use").increment();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a gateway's tenant: " + e.getMessage(), e);
        }
        return of(hub.gateway()).orElseThrow();
    }

    /**
     * Registers the gateway under {@code tenant} (a first registration or a move from another tenant), by an
     * operator, audited; a change is published as {@link TenantChanged} once committed.
     *
     * @return the change, as audited
     */
    public Change register(String gateway, String tenant, String actor, String note) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        try {
            Change change = Jdbc.query(dataSource, OPERATOR, rs -> new Change(rs.getLong(1), gateway, now, actor,
                    rs.getString(2), tenant, null, note), gateway, gateway, tenant, at, actor, gateway, at, actor,
                    tenant, note).get(0);
            metrics.counter("vitalwire.ingest.gateway-registrations", "how", "operator").increment();
            if (!tenant.equals(change.before())) {
                changes.publishEvent(new TenantChanged(gateway, change.before(), tenant));
            }
            return change;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a gateway's tenant: " + e.getMessage(), e);
        }
    }

    /** The gateway's registration changes, newest first. */
    public List<Change> audit(String gateway, int limit) {
        try {
            return Jdbc.query(dataSource, "SELECT id, gateway, changed_at, changed_by, before_tenant, after_tenant, "
                    + "reading_key, note FROM gateway_tenant_audit WHERE gateway = ? ORDER BY id DESC LIMIT ?",
                    rs -> new Change(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)), gateway, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the gateway tenant audit: " + e.getMessage(), e);
        }
    }

    private static Registration registration(ResultSet rs) throws SQLException {
        return new Registration(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4));
    }
}
