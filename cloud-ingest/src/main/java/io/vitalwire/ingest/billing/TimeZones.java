package io.vitalwire.ingest.billing;

import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where days are counted: patients' and organizations' time zones ({@code patient_time_zone}), set through the admin
 * API. Nothing in the FHIR records cloud-ingest reads says a patient's zone (an address's state spans zones in a
 * dozen US states), so the clinic says it, as it says thresholds.
 */
@Singleton
public class TimeZones {

    /** The organization's own row. */
    static final String ORGANIZATION = "";

    private final DataSource dataSource;

    public TimeZones(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A zone as stored, with who set it and when. */
    public record ZoneSetting(String tenant, String patient, String zone, Instant updatedAt, String updatedBy) {
    }

    /**
     * The zone's IANA region name if both Java and PostgreSQL know it (PostgreSQL computes the days); fixed offsets
     * and abbreviations are refused, since an offset has no daylight saving time and abbreviations are ambiguous.
     */
    Optional<String> known(String zone) throws SQLException {
        ZoneId id;
        try {
            id = ZoneId.of(zone);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
        if (id instanceof ZoneOffset || !id.getId().equals(zone) || zone.startsWith("GMT+") || zone.startsWith("UTC+")
                || zone.startsWith("GMT-") || zone.startsWith("UTC-")) {
            return Optional.empty();
        }
        List<Boolean> inPostgres = Jdbc.query(dataSource,
                "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ?)", rs -> rs.getBoolean(1), zone);
        return inPostgres.get(0) ? Optional.of(zone) : Optional.empty();
    }

    Optional<ZoneSetting> find(String tenant, String patient) throws SQLException {
        return Jdbc.query(dataSource, "SELECT tenant, patient, zone, updated_at, updated_by FROM patient_time_zone "
                + "WHERE tenant = ? AND patient = ?", rs -> new ZoneSetting(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getTimestamp(4).toInstant(), rs.getString(5)), tenant, patient).stream()
                .findFirst();
    }

    ZoneSetting set(String tenant, String patient, String zone, String by, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement upsert = c.prepareStatement("INSERT INTO patient_time_zone (tenant, patient, zone, "
                     + "updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, patient) DO UPDATE SET "
                     + "zone = EXCLUDED.zone, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by")) {
            upsert.setString(1, tenant);
            upsert.setString(2, patient);
            upsert.setString(3, zone);
            upsert.setTimestamp(4, Timestamp.from(now));
            upsert.setString(5, by);
            upsert.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        return new ZoneSetting(tenant, patient, zone, now, by);
    }
}
