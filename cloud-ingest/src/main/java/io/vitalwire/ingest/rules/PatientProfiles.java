package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the rules know of a patient: thresholds (defaults, then the organization's overrides, then the patient's;
 * PostgreSQL) and conditions (those set by hand, and the FHIR problem list's). Conditions are asked only when a
 * reading needs them — weight gain — so that no other alert ever waits for the FHIR server.
 */
@Singleton
public class PatientProfiles {

    private static final Logger LOG = LoggerFactory.getLogger(PatientProfiles.class);

    private final ObjectMapper json = new ObjectMapper();
    private final FhirConditions fhirConditions;
    private final DataSource dataSource;
    /** Thresholds by tenant and patient, for the FHIR stage's interpretations: one read per patient a minute. */
    private final Cache<String, Thresholds> recent = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(1)).maximumSize(100_000).build();

    public PatientProfiles(FhirConditions fhirConditions, DataSource dataSource) {
        this.fhirConditions = fhirConditions;
        this.dataSource = dataSource;
    }

    /**
     * The thresholds that apply to the patient, as of at most a minute ago (the FHIR stage's interpretations; the
     * rules stage reads them afresh).
     *
     * @throws IllegalStateException when PostgreSQL cannot be read
     */
    public Thresholds thresholds(String tenant, String patient) {
        return recent.get(tenant + "|" + patient, key -> {
            try (Connection c = dataSource.getConnection()) {
                return thresholds(settings(c, tenant, patient));
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read rule settings: " + e.getMessage(), e);
            }
        });
    }

    /** The patient's settings as stored: overrides at both levels and conditions set by hand. */
    public record Settings(JsonNode tenantOverrides, JsonNode patientOverrides, Set<Condition> conditions) {
    }

    /** Reads the patient's settings. */
    public Settings settings(Connection c, String tenant, String patient) throws SQLException {
        return settings(c, tenant, List.of(patient)).get(patient);
    }

    /** Reads the settings of the organization's patients in one query; every patient asked is in the answer. */
    public Map<String, Settings> settings(Connection c, String tenant, Collection<String> patients)
            throws SQLException {
        JsonNode tenantOverrides = null;
        Map<String, JsonNode> patientOverrides = new HashMap<>();
        Map<String, Set<Condition>> conditions = new HashMap<>();
        List<String> rows = new ArrayList<>(patients);
        rows.add("");  // the organization's own row
        try (PreparedStatement select = c.prepareStatement("SELECT patient, overrides, conditions FROM rule_override "
                + "WHERE tenant = ? AND patient = ANY (?)")) {
            select.setString(1, tenant);
            select.setArray(2, c.createArrayOf("text", rows.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String patient = rs.getString(1);
                    JsonNode overrides = parse(rs.getString(2));
                    if (patient.isEmpty()) {
                        tenantOverrides = overrides;
                    } else {
                        patientOverrides.put(patient, overrides);
                        conditions.put(patient, conditions(parse(rs.getString(3))));
                    }
                }
            }
        }
        Map<String, Settings> settings = new HashMap<>();
        for (String patient : patients) {
            settings.put(patient, new Settings(tenantOverrides, patientOverrides.get(patient),
                    conditions.getOrDefault(patient, EnumSet.noneOf(Condition.class))));
        }
        return settings;
    }

    private static Set<Condition> conditions(JsonNode list) {
        Set<Condition> conditions = EnumSet.noneOf(Condition.class);
        if (list != null && list.isArray()) {
            list.forEach(id -> conditions.add(Condition.of(id.asText())));
        }
        return conditions;
    }

    /** The thresholds that apply, from stored settings (validated when they were written). */
    public Thresholds thresholds(Settings settings) {
        return Thresholds.defaults().overriddenBy(settings.tenantOverrides())
                .overriddenBy(settings.patientOverrides());
    }

    /**
     * The patient's conditions: set by hand, and from FHIR when {@code needed}; empty when needed but FHIR has never
     * answered for this patient (the caller waits for it rather than judge weight gain without knowing).
     */
    public Optional<Set<Condition>> conditions(Settings settings, String patient, boolean needed) {
        if (!needed) {
            return Optional.of(settings.conditions());
        }
        return fhirConditions.of(patient).map(fromFhir -> withHandSet(settings, fromFhir));
    }

    /**
     * The patient's conditions if they are at hand without asking the FHIR server: not {@code needed}, or read from it
     * recently enough; else empty, and {@link #conditions} asks.
     */
    public Optional<Set<Condition>> conditionsAtHand(Settings settings, String patient, boolean needed) {
        if (!needed) {
            return Optional.of(settings.conditions());
        }
        return fhirConditions.fresh(patient).map(fromFhir -> withHandSet(settings, fromFhir));
    }

    private static Set<Condition> withHandSet(Settings settings, Set<Condition> fromFhir) {
        Set<Condition> all = EnumSet.noneOf(Condition.class);
        all.addAll(settings.conditions());
        all.addAll(fromFhir);
        return all;
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            LOG.warn("stored rule settings are unreadable, ignored: {}", e.getMessage());
            return null;
        }
    }
}
