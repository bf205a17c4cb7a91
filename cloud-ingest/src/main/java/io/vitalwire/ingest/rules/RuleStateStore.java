package io.vitalwire.ingest.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.notify.AlertNotice;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The rules' state in PostgreSQL (tables {@code rule_state}, {@code rule_evaluation}, {@code alert}; see
 * V7__alerts.sql), shared by every replica. Every method that changes something runs in the caller's transaction,
 * which first takes the patient's lock ({@link #lock}, or {@link #lockAll} for several): the reading keys evaluated,
 * the patients' states and the alerts decided commit together, or not at all. Reads and writes of many patients are
 * one statement (or one batch) each, so a claim of hundreds of readings costs a handful of round trips.
 */
@Singleton
public class RuleStateStore {

    /** Namespace of the transaction advisory locks on a patient (the inbox's are 0x5657_01xx). */
    static final int LOCK_NAMESPACE = 0x5657_0200;

    private final ObjectMapper json = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final DataSource dataSource;

    public RuleStateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Waits for the patient's lock, held until the transaction ends: one evaluation of a patient at a time. */
    public void lock(Connection c, String patient) throws SQLException {
        Jdbc.transactionLock(c, LOCK_NAMESPACE, lockKey(patient));
    }

    /**
     * Waits for every patient's lock ({@link #lock}), in the order of their lock keys: two transactions locking
     * overlapping patients cannot deadlock each other. Whoever takes more than one patient's lock takes them here.
     */
    public void lockAll(Connection c, Collection<String> patients) throws SQLException {
        Jdbc.transactionLocks(c, LOCK_NAMESPACE, patients.stream().map(RuleStateStore::lockKey).toList());
    }

    static int lockKey(String patient) {
        return patient.hashCode();
    }

    /** Records the reading keys as evaluated, in one statement; returns those that were not evaluated before. */
    public Set<String> firstEvaluations(Connection c, Collection<String> readingKeys, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO rule_evaluation (reading_key, evaluated_at) "
                + "SELECT k, ? FROM unnest(?::text[]) AS k "
                + "ON CONFLICT (reading_key) DO NOTHING RETURNING reading_key")) {
            insert.setTimestamp(1, Timestamp.from(now));
            insert.setArray(2, c.createArrayOf("text", readingKeys.toArray()));
            return new HashSet<>(Jdbc.list(insert, rs -> rs.getString(1)));
        }
    }

    /** Forgets that the reading keys were evaluated, in the caller's transaction: they will be evaluated again. */
    public void forgetEvaluations(Connection c, Collection<String> readingKeys) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM rule_evaluation WHERE reading_key = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("text", readingKeys.toArray()));
            delete.executeUpdate();
        }
    }

    /** The patient's state; a new one for a patient the rules have not seen. */
    public PatientRuleState load(Connection c, String patient) throws SQLException {
        Loaded loaded = loadAll(c, List.of(patient));
        if (!loaded.unreadable().isEmpty()) {
            throw new SQLException("rule state of a patient is unreadable: " + loaded.unreadable().get(patient));
        }
        return loaded.states().get(patient);
    }

    /**
     * The patients' states.
     *
     * @param states     by patient: a new state for a patient the rules have not seen
     * @param unreadable patients whose stored state cannot be read, with why: they cannot be evaluated
     */
    public record Loaded(Map<String, PatientRuleState> states, Map<String, String> unreadable) {
    }

    /** Reads the patients' states in one query; one unreadable state does not keep the others from being read. */
    public Loaded loadAll(Connection c, Collection<String> patients) throws SQLException {
        Map<String, PatientRuleState> states = new HashMap<>();
        Map<String, String> unreadable = new HashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT patient, state FROM rule_state "
                + "WHERE patient = ANY (?)")) {
            select.setArray(1, c.createArrayOf("text", patients.toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    try {
                        states.put(rs.getString(1), json.readValue(rs.getString(2), PatientRuleState.class));
                    } catch (JsonProcessingException e) {
                        unreadable.put(rs.getString(1), e.getOriginalMessage());
                    }
                }
            }
        }
        for (String patient : patients) {
            if (!unreadable.containsKey(patient)) {
                states.putIfAbsent(patient, new PatientRuleState());
            }
        }
        return new Loaded(states, unreadable);
    }

    /** A patient's state to save, with the organization the patient belongs to. */
    public record Saved(String patient, String tenant, PatientRuleState state) {
    }

    public void save(Connection c, String patient, String tenant, PatientRuleState state, Instant now)
            throws SQLException {
        saveAll(c, List.of(new Saved(patient, tenant, state)), now);
    }

    /**
     * Saves the states in one statement (their rows as arrays): a batch of one upsert per patient was ~22,000
     * statements a minute at 10,000 hubs (fleet benchmark). A patient given twice keeps the last state given.
     */
    public void saveAll(Connection c, Collection<Saved> saved, Instant now) throws SQLException {
        Map<String, Saved> byPatient = new LinkedHashMap<>();
        saved.forEach(s -> byPatient.put(s.patient(), s));
        int n = byPatient.size();
        String[] patients = new String[n];
        String[] tenants = new String[n];
        String[] states = new String[n];
        Timestamp[] lastMeasured = new Timestamp[n];
        int i = 0;
        try {
            for (Saved s : byPatient.values()) {
                patients[i] = s.patient();
                tenants[i] = s.tenant();
                states[i] = json.writeValueAsString(s.state());
                Instant last = s.state().lastMeasuredAt();
                lastMeasured[i] = last == null ? null : Timestamp.from(last);
                i++;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a patient's rule state: " + e.getOriginalMessage(), e);
        }
        try (PreparedStatement upsert = c.prepareStatement("INSERT INTO rule_state (patient, tenant, state, "
                + "last_measured_at, updated_at) SELECT s.patient, s.tenant, s.state::jsonb, s.last_measured_at, ? "
                + "FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[]) "
                + "AS s(patient, tenant, state, last_measured_at) ORDER BY s.patient "
                + "ON CONFLICT (patient) DO UPDATE SET tenant = EXCLUDED.tenant, state = EXCLUDED.state, "
                + "last_measured_at = EXCLUDED.last_measured_at, updated_at = EXCLUDED.updated_at")) {
            upsert.setTimestamp(1, Timestamp.from(now));
            upsert.setArray(2, c.createArrayOf("text", patients));
            upsert.setArray(3, c.createArrayOf("text", tenants));
            upsert.setArray(4, c.createArrayOf("text", states));
            upsert.setArray(5, c.createArrayOf("timestamptz", lastMeasured));
            upsert.executeUpdate();
        }
    }

    /**
     * Adds the alert; returns false when it exists already (the same decision taken again). The one way an alert row
     * is written, clinical or operations ({@code io.vitalwire.ingest.operations}).
     */
    public boolean insert(Connection c, AlertNotice a) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO alert (id, tenant, kind, rule, severity, "
                + "patient, gateway, reading_key, measured_at, late, value, unit, reading_values, raised_at, state, "
                + "device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'RAISED', ?) "
                + "ON CONFLICT (id) DO NOTHING")) {
            insert.setObject(1, a.id());
            insert.setString(2, a.tenant());
            insert.setString(3, a.kind());
            insert.setString(4, a.rule());
            insert.setString(5, a.severity());
            insert.setString(6, a.patient());
            insert.setString(7, a.gateway());
            insert.setString(8, a.readingKey());
            insert.setTimestamp(9, a.measuredAt() == null ? null : Timestamp.from(a.measuredAt()));
            insert.setBoolean(10, a.late());
            insert.setBigDecimal(11, a.value());
            insert.setString(12, a.unit());
            insert.setString(13, json.writeValueAsString(a.values()));
            insert.setTimestamp(14, Timestamp.from(a.raisedAt()));
            insert.setString(15, a.device());
            return insert.executeUpdate() == 1;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert's values: " + e.getOriginalMessage(), e);
        }
    }

    /** A patient the rules know, and whose organization they belong to. */
    public record Known(String patient, String tenant) {
    }

    /** Patients whose last measurement is before {@code silentSince}, oldest first. */
    public List<Known> silent(Instant silentSince, int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT patient, tenant FROM rule_state "
                     + "WHERE last_measured_at < ? ORDER BY last_measured_at LIMIT ?")) {
            select.setTimestamp(1, Timestamp.from(silentSince));
            select.setInt(2, limit);
            return Jdbc.list(select, rs -> new Known(rs.getString(1), rs.getString(2)));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rules' state: " + e.getMessage(), e);
        }
    }

    /** Forgets evaluated reading keys older than {@code cutoff}. @return how many */
    public int purgeEvaluations(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM rule_evaluation WHERE evaluated_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            int deleted = delete.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return deleted;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot purge the rules' evaluations: " + e.getMessage(), e);
        }
    }
}
