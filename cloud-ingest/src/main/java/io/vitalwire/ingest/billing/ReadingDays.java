package io.vitalwire.ingest.billing;

import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import javax.sql.DataSource;

/**
 * Patients' days with readings in PostgreSQL ({@code patient_reading_day}, V19__fleet_and_billing.sql): written by the
 * {@code reading-days} tally ({@link ReadingDaysTally}), read by the billing report.
 */
@Singleton
public class ReadingDays {

    /**
     * Each reading's day in its patient's zone (the patient's, else the organization's, else the default), computed
     * by PostgreSQL so that the zone lookup and the count are one round trip; grouped first, since one statement
     * cannot update a row twice, and in key order, so that two workers' claims sharing days (the express lane's and
     * the other) lock them in the same order and wait for each other rather than deadlock.
     */
    private static final String COUNT = "INSERT INTO patient_reading_day AS d (tenant, patient, day, zone, "
            + "first_measured_at, last_received_at) "
            + "SELECT r.tenant, r.patient, (r.measured_at AT TIME ZONE z.zone)::date, z.zone, min(r.measured_at), "
            + "max(r.received_at) "
            + "FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) "
            + "AS r (tenant, patient, measured_at, received_at) "
            + "CROSS JOIN LATERAL (SELECT COALESCE((SELECT zone FROM patient_time_zone p "
            + "WHERE p.tenant = r.tenant AND p.patient = r.patient), (SELECT zone FROM patient_time_zone o "
            + "WHERE o.tenant = r.tenant AND o.patient = ''), ?) AS zone) z "
            + "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3 "
            + "ON CONFLICT (tenant, patient, day) DO UPDATE SET "
            + "first_measured_at = LEAST(d.first_measured_at, EXCLUDED.first_measured_at), "
            + "last_received_at = GREATEST(d.last_received_at, EXCLUDED.last_received_at)";

    private final DataSource dataSource;
    private final BillingConfig config;

    public ReadingDays(DataSource dataSource, BillingConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** A reading to count: its organization, patient (logical id), measurement and arrival. */
    public record Counted(String tenant, String patient, Instant measuredAt, Instant receivedAt) {
    }

    /** A patient's days in a period, as stored ({@code YYYY-MM-DD}, ascending). */
    public record PatientDays(String patient, List<String> days, List<String> zones, String zone) {
    }

    /** Counts the readings for their patients' days, in a transaction of their own (the benchmark's way). */
    public void count(List<Counted> readings) throws SQLException {
        if (!readings.isEmpty()) {
            Jdbc.inTransaction(dataSource, c -> count(c, readings));
        }
    }

    /** Counts the readings for their patients' days in {@code transaction}, one statement; never commits it. */
    int count(Connection transaction, List<Counted> readings) throws SQLException {
        int n = readings.size();
        String[] tenants = new String[n];
        String[] patients = new String[n];
        Timestamp[] measured = new Timestamp[n];
        Timestamp[] received = new Timestamp[n];
        for (int i = 0; i < n; i++) {
            Counted r = readings.get(i);
            tenants[i] = r.tenant();
            patients[i] = r.patient();
            measured[i] = Timestamp.from(r.measuredAt());
            received[i] = Timestamp.from(r.receivedAt());
        }
        try (PreparedStatement insert = transaction.prepareStatement(COUNT)) {
            insert.setArray(1, transaction.createArrayOf("text", tenants));
            insert.setArray(2, transaction.createArrayOf("text", patients));
            insert.setArray(3, transaction.createArrayOf("timestamptz", measured));
            insert.setArray(4, transaction.createArrayOf("timestamptz", received));
            insert.setString(5, config.getDefaultZone());
            return insert.executeUpdate();
        }
    }

    /**
     * The organization's patients with at least one day in {@code [first, last]}, in patient order after
     * {@code after} (exclusive; "" for the first page), at most {@code limit}, and only those with between
     * {@code minDays} and {@code maxDays} days. {@code zone} is the patient's zone in force now.
     */
    List<PatientDays> find(String tenant, LocalDate first, LocalDate last, String after, int minDays, int maxDays,
                           int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT d.patient, d.days, d.zones, "
                     + "COALESCE(p.zone, o.zone, ?) AS zone FROM ("
                     + "SELECT patient, string_agg(day::text, ' ' ORDER BY day) AS days, "
                     + "string_agg(DISTINCT zone, ' ') AS zones "
                     + "FROM patient_reading_day WHERE tenant = ? AND patient > ? AND day BETWEEN ? AND ? "
                     + "GROUP BY patient HAVING count(*) BETWEEN ? AND ? ORDER BY patient LIMIT ?) d "
                     + "LEFT JOIN patient_time_zone p ON p.tenant = ? AND p.patient = d.patient "
                     + "LEFT JOIN patient_time_zone o ON o.tenant = ? AND o.patient = '' "
                     + "ORDER BY d.patient")) {
            select.setString(1, config.getDefaultZone());
            select.setString(2, tenant);
            select.setString(3, after);
            select.setDate(4, Date.valueOf(first));
            select.setDate(5, Date.valueOf(last));
            select.setInt(6, minDays);
            select.setInt(7, maxDays);
            select.setInt(8, limit);
            select.setString(9, tenant);
            select.setString(10, tenant);
            return Jdbc.list(select, ReadingDays::patientDays);
        }
    }

    /**
     * The days come as one text per patient, not a {@code date[]}: pgjdbc turns each array element into a
     * {@code java.sql.Date} through a calendar, which made a report of 50,000 patients (a million dates) spend most
     * of its time there.
     */
    private static PatientDays patientDays(ResultSet rs) throws SQLException {
        return new PatientDays(rs.getString("patient"), List.of(rs.getString("days").split(" ")),
                List.of(rs.getString("zones").split(" ")), rs.getString("zone"));
    }
}
