package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
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
 * The organizations' and patients' rule settings — threshold overrides (and, for a patient, conditions set by hand)
 * — and their audit trail: every change records who, when, what it was before and what it is after, in the
 * transaction that makes it. Overrides are checked before they are stored ({@link Thresholds#overriddenBy}), so a
 * stored override always applies.
 */
@Singleton
public class RuleOverrides {

    /** The organization's own row has this patient. */
    public static final String ORGANIZATION = "";

    private final ObjectMapper json = new ObjectMapper();
    private final DataSource dataSource;
    private final Clock clock;

    public RuleOverrides(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Settings as stored.
     *
     * @param overrides  per rule id and severity (canonical units); {@code null}: none
     * @param conditions condition ids set by hand ({@code heart-failure}, …); patients only
     */
    public record Setting(JsonNode overrides, List<String> conditions, Instant updatedAt, String updatedBy) {
    }

    /** One change. */
    public record Change(long id, String tenant, String patient, Instant at, String by, JsonNode before,
                         JsonNode after) {
    }

    public Optional<Setting> get(String tenant, String patient) {
        try (Connection c = dataSource.getConnection()) {
            return read(c, tenant, patient, false);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read rule settings: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the settings of an organization ({@code patient} = {@link #ORGANIZATION}) or a patient, and audits it.
     *
     * @throws IllegalArgumentException when the overrides or conditions are not valid; nothing is stored
     */
    public Setting put(String tenant, String patient, JsonNode overrides, List<String> conditions, String actor) {
        Thresholds.defaults().overriddenBy(overrides);
        List<String> checked = conditions == null ? List.of() : conditions.stream()
                .map(id -> Condition.of(id).id()).distinct().toList();
        if (patient.equals(ORGANIZATION) && !checked.isEmpty()) {
            throw new IllegalArgumentException("conditions belong to patients, not to an organization");
        }
        Instant now = clock.instant();
        try {
            return Jdbc.inTransaction(dataSource, c -> {
                Optional<Setting> before = read(c, tenant, patient, true);
                try (PreparedStatement upsert = c.prepareStatement("INSERT INTO rule_override (tenant, patient, "
                        + "overrides, conditions, updated_at, updated_by) VALUES (?, ?, ?::jsonb, ?::jsonb, ?, ?) "
                        + "ON CONFLICT (tenant, patient) DO UPDATE SET overrides = EXCLUDED.overrides, "
                        + "conditions = EXCLUDED.conditions, updated_at = EXCLUDED.updated_at, "
                        + "updated_by = EXCLUDED.updated_by")) {
                    upsert.setString(1, tenant);
                    upsert.setString(2, patient);
                    upsert.setString(3, overrides == null || overrides.isNull() ? null : text(overrides));
                    upsert.setString(4, text(json.valueToTree(checked)));
                    upsert.setTimestamp(5, Timestamp.from(now));
                    upsert.setString(6, actor);
                    upsert.executeUpdate();
                }
                Setting after = new Setting(overrides == null || overrides.isNull() ? null : overrides, checked, now,
                        actor);
                try (PreparedStatement audit = c.prepareStatement("INSERT INTO rule_override_audit (tenant, patient, "
                        + "changed_at, changed_by, before, after) VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)")) {
                    audit.setString(1, tenant);
                    audit.setString(2, patient);
                    audit.setTimestamp(3, Timestamp.from(now));
                    audit.setString(4, actor);
                    audit.setString(5, before.map(b -> text(snapshot(b))).orElse(null));
                    audit.setString(6, text(snapshot(after)));
                    audit.executeUpdate();
                }
                return after;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store rule settings: " + e.getMessage(), e);
        }
    }

    /** The changes, newest first, of an organization and its patients, or of one patient. */
    public List<Change> audit(String tenant, String patient, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id, tenant, patient, changed_at, changed_by, "
                     + "before, after FROM rule_override_audit WHERE tenant = ? AND (?::text IS NULL OR patient = ?) "
                     + "ORDER BY id DESC LIMIT ?")) {
            select.setString(1, tenant);
            select.setString(2, patient);
            select.setString(3, patient);
            select.setInt(4, limit);
            return Jdbc.list(select, rs -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3),
                    rs.getTimestamp(4).toInstant(), rs.getString(5), tree(rs.getString(6)), tree(rs.getString(7))));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rule settings' audit: " + e.getMessage(), e);
        }
    }

    private Optional<Setting> read(Connection c, String tenant, String patient, boolean forUpdate)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT overrides, conditions, updated_at, updated_by "
                + "FROM rule_override WHERE tenant = ? AND patient = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, tenant);
            select.setString(2, patient);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                JsonNode conditions = tree(rs.getString(2));
                List<String> ids = conditions == null ? List.of()
                        : json.convertValue(conditions, json.getTypeFactory().constructCollectionType(List.class,
                        String.class));
                return Optional.of(new Setting(tree(rs.getString(1)), ids, rs.getTimestamp(3).toInstant(),
                        rs.getString(4)));
            }
        }
    }

    private ObjectNode snapshot(Setting s) {
        ObjectNode node = json.createObjectNode();
        node.set("overrides", s.overrides());
        node.set("conditions", json.valueToTree(s.conditions()));
        return node;
    }

    private String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode tree(String text) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored rule settings are not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
