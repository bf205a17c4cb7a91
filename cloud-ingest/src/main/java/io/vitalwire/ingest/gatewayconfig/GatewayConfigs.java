package io.vitalwire.ingest.gatewayconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.installation.Hub;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The hubs' configurations ({@code gateway_config}, V20__gateway_config.sql) and their audit
 * ({@code gateway_config_audit}): each change issues the next version of the hub's {@link GatewayConfig}, in one
 * transaction with its audit entry, under the row's lock so that two replicas never issue one version twice.
 */
@Singleton
public class GatewayConfigs {

    /** Who issued a version when the registry changed the allow-list, not an operator. */
    public static final String INSTALLATION = "installation";

    /** Advisory lock namespace of configuration issues (other stores use their own). */
    private static final int LOCK_NAMESPACE = 0x5657_0500;
    private static final String COLUMNS = "gateway, tenant, version, spec, document, updated_at, updated_by, "
            + "published_version";

    private final DataSource dataSource;
    private final RegistryAllowList registry;
    private final Clock clock;
    private final ContractCodec codec = new ContractCodec();
    private final ObjectMapper json = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    public GatewayConfigs(DataSource dataSource, RegistryAllowList registry, Clock clock) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.clock = clock;
    }

    public Optional<StoredConfig> current(String gateway) {
        return first(query("SELECT " + COLUMNS + " FROM gateway_config WHERE gateway = ?", gateway));
    }

    /**
     * Issues the next version for the hub as the operator asks.
     *
     * @throws IllegalArgumentException when the registry's devices make no valid configuration (too many)
     */
    public StoredConfig put(Hub hub, ConfigSpec spec, String actor, String note) {
        return issue(hub, actor, "operator", note, current -> spec);
    }

    /**
     * Issues the next version for a hub whose allow-list follows the registry, if its devices there changed.
     *
     * @return the new version, or empty: the hub has no configuration, its list is the operator's, or it is unchanged
     */
    public Optional<StoredConfig> followRegistry(Hub hub) {
        StoredConfig issued = issue(hub, INSTALLATION, "installation", null,
                current -> current != null && current.spec().devicesFromRegistry()
                        && !registry.of(hub).equals(current.document().devices()) ? current.spec() : null);
        return Optional.ofNullable(issued);
    }

    /**
     * The hub moved to {@code tenant}: its configuration belongs on the topic under the new tenant, so it is to be
     * published again there (same version: the hub already applied it if it had it).
     *
     * @return the configuration as it was before the move (its tenant is the topic to withdraw it from), or empty:
     *         the hub has no configuration, or it is under that tenant already
     */
    public Optional<StoredConfig> moveTenant(String gateway, String tenant) {
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                Optional<StoredConfig> before;
                try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_config "
                        + "WHERE gateway = ? AND tenant <> ? FOR UPDATE")) {
                    select.setString(1, gateway);
                    select.setString(2, tenant);
                    before = first(Jdbc.list(select, this::row));
                }
                if (before.isPresent()) {
                    try (PreparedStatement move = c.prepareStatement("UPDATE gateway_config SET tenant = ?, "
                            + "published_version = 0 WHERE gateway = ?")) {
                        move.setString(1, tenant);
                        move.setString(2, gateway);
                        move.executeUpdate();
                    }
                }
                return before;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot move a gateway configuration: " + e.getMessage(), e);
        }
    }

    /** Configurations whose current version the broker has not acknowledged. */
    public List<StoredConfig> unpublished(int limit) {
        return query("SELECT " + COLUMNS + " FROM gateway_config WHERE published_version < version ORDER BY gateway "
                + "LIMIT " + limit);
    }

    /**
     * Every configuration is to be published again (cloud-ingest starts: the broker may have lost its retained
     * copies since).
     *
     * @return how many there are
     */
    public int forgetPublished() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE gateway_config SET published_version = 0")) {
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot mark gateway configurations for publishing: " + e.getMessage(),
                    e);
        }
    }

    /** The broker acknowledged {@code version} of the hub's configuration. */
    public void published(String gateway, long version) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE gateway_config SET published_version = "
                     + "GREATEST(published_version, ?) WHERE gateway = ?")) {
            update.setLong(1, version);
            update.setString(2, gateway);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a published configuration: " + e.getMessage(), e);
        }
    }

    /** One audited change of a hub's configuration. */
    public record Change(long id, long version, Instant at, String by, String cause, String note) {
    }

    /** The hub's configuration changes, newest first. */
    public List<Change> audit(String gateway, int limit) {
        try {
            return Jdbc.query(dataSource, "SELECT id, version, changed_at, changed_by, cause, note FROM "
                    + "gateway_config_audit WHERE gateway = ? ORDER BY id DESC LIMIT ?", rs -> new Change(rs.getLong(1),
                    rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4), rs.getString(5),
                    rs.getString(6)), gateway, limit);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the configuration audit: " + e.getMessage(), e);
        }
    }

    /** Decides the spec of the next version from the current row (null: none); null: issue nothing. */
    private interface Decision {
        ConfigSpec next(StoredConfig current);
    }

    private StoredConfig issue(Hub hub, String actor, String cause, String note, Decision decision) {
        Instant now = clock.instant();
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                // A first version: two replicas inserting at once would both read "none"; the advisory lock on the
                // gateway's hash makes the second wait for the first.
                Jdbc.transactionLock(c, LOCK_NAMESPACE, hub.gateway().hashCode());
                StoredConfig current;
                try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_config "
                        + "WHERE gateway = ? FOR UPDATE")) {
                    select.setString(1, hub.gateway());
                    current = first(Jdbc.list(select, this::row)).orElse(null);
                }
                ConfigSpec spec = decision.next(current);
                if (spec == null) {
                    return null;
                }
                long version = current == null ? 1 : current.version() + 1;
                GatewayConfig document = GatewayConfig.of(hub.gateway(), version, now,
                        spec.devicesFromRegistry() ? registry.of(hub) : spec.devices(), spec.ble(), spec.coap(),
                        spec.reporting());
                String encoded = new String(codec.encode(document), StandardCharsets.UTF_8);
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO gateway_config (" + COLUMNS + ") "
                        + "VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 0) ON CONFLICT (gateway) DO UPDATE SET tenant = "
                        + "EXCLUDED.tenant, version = EXCLUDED.version, spec = EXCLUDED.spec, document = "
                        + "EXCLUDED.document, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")) {
                    upsert.setString(1, hub.gateway());
                    upsert.setString(2, hub.tenant());
                    upsert.setLong(3, version);
                    upsert.setString(4, specJson(spec));
                    upsert.setString(5, encoded);
                    upsert.setTimestamp(6, Timestamp.from(now));
                    upsert.setString(7, actor);
                    upsert.executeUpdate();
                }
                try (PreparedStatement audit = c.prepareStatement("INSERT INTO gateway_config_audit (gateway, tenant, "
                        + "version, changed_at, changed_by, cause, note, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    audit.setString(1, hub.gateway());
                    audit.setString(2, hub.tenant());
                    audit.setLong(3, version);
                    audit.setTimestamp(4, Timestamp.from(now));
                    audit.setString(5, actor);
                    audit.setString(6, cause);
                    audit.setString(7, note);
                    audit.setString(8, encoded);
                    audit.executeUpdate();
                }
                return new StoredConfig(hub.gateway(), hub.tenant(), version, spec, document, now, actor,
                        current == null ? 0 : current.publishedVersion());
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a gateway configuration: " + e.getMessage(), e);
        }
    }

    private String specJson(ConfigSpec spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            // Our own record of contract records always serialises.
            throw new IllegalStateException("cannot encode a configuration spec", e);
        }
    }

    private List<StoredConfig> query(String sql, Object... parameters) {
        try {
            return Jdbc.query(dataSource, sql, this::row, parameters);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read gateway configurations: " + e.getMessage(), e);
        }
    }

    private StoredConfig row(ResultSet rs) throws SQLException {
        try {
            return new StoredConfig(rs.getString(1), rs.getString(2), rs.getLong(3),
                    json.readValue(rs.getString(4), ConfigSpec.class),
                    codec.decode(rs.getString(5).getBytes(StandardCharsets.UTF_8), GatewayConfig.class),
                    rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getLong(8));
        } catch (JsonProcessingException | ContractViolation e) {
            throw new SQLException("a stored gateway configuration cannot be read: " + e.getMessage(), e);
        }
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
