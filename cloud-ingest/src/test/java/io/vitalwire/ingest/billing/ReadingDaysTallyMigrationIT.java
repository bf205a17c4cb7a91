package io.vitalwire.ingest.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * {@code V22__reading_days_tally.sql} on the real PostgreSQL: a deployment upgraded while readings were pending in the
 * former {@code reading-days} stage counts them as the stage would have — in the patient's zone, else the
 * organization's, else the configured default (the Flyway placeholder) — and drops their rows, since no stage claims
 * them any more; readings the stage had counted are neither counted again nor touched.
 */
class ReadingDaysTallyMigrationIT {

    private static final StackSettings STACK = TestStack.SETTINGS;
    private static final String TOPIC = "vitalwire/v1/acme/gw-1/readings";

    @Test
    void readingsPendingInTheFormerStage_areCountedInTheirPatientsZone_andTheirRowsGo() throws Exception {
        try (PostgresSchema schema = new PostgresSchema(STACK)) {
            flyway(schema, "21", "UTC").migrate();
            // 2026-11-30 23:30 UTC is 1 December in Berlin and 30 November in New York.
            try (Connection c = connect(schema); Statement s = c.createStatement()) {
                s.execute("INSERT INTO patient_time_zone VALUES ('acme', 'p-berlin', 'Europe/Berlin', now(), 'test'), "
                        + "('acme', '', 'Asia/Tokyo', now(), 'test'), ('other', 'p-other', 'Europe/Berlin', now(), 't')");
                entry(s, 1, "Patient/p-berlin", "2026-11-30T23:30:00Z", "PENDING");
                entry(s, 2, "Patient/p-tokyo", "2026-11-30T23:30:00Z", "PENDING");
                entry(s, 3, "Patient/p-counted", "2026-11-30T23:30:00Z", "DONE");
                s.execute("INSERT INTO inbox (id, reading_key, topic, device, measured_at, received_at, reading) "
                        + "VALUES (4, 'k4', 'vitalwire/v1/other/gw-2/readings', 'sn.4', '2026-11-30T23:30:00Z', "
                        + "now(), '{}'::bytea)");
                s.execute("INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, received_at, state, next_at) "
                        + "VALUES (4, 'resolve', 'sn.4', '2026-11-30T23:30:00Z', now(), 'PENDING', now())");
            }

            flyway(schema, null, "America/New_York").migrate();

            assertThat(rows(schema, "SELECT tenant || ' ' || patient || ' ' || day || ' ' || zone "
                    + "FROM patient_reading_day ORDER BY patient")).containsExactly(
                    "acme p-berlin 2026-12-01 Europe/Berlin",
                    "acme p-tokyo 2026-12-01 Asia/Tokyo");
            assertThat(rows(schema, "SELECT entry_id || ' ' || stage || ' ' || state FROM inbox_delivery "
                    + "ORDER BY entry_id, stage")).as("the pending rows gone, the rest untouched").containsExactly(
                    "1 resolve DONE", "2 resolve DONE", "3 reading-days DONE", "3 resolve DONE",
                    "4 resolve PENDING");
        }
    }

    @Test
    void aPatientWithoutAnyZone_isCountedInTheConfiguredDefault() throws Exception {
        try (PostgresSchema schema = new PostgresSchema(STACK)) {
            flyway(schema, "21", "UTC").migrate();
            try (Connection c = connect(schema); Statement s = c.createStatement()) {
                entry(s, 1, "Patient/p-default", "2026-11-30T23:30:00Z", "PENDING");
            }
            flyway(schema, null, "America/New_York").migrate();
            assertThat(rows(schema, "SELECT patient || ' ' || day || ' ' || zone FROM patient_reading_day"))
                    .containsExactly("p-default 2026-11-30 America/New_York");
        }
    }

    /** An entry resolved to {@code patient}, in the former reading-days stage in {@code state}. */
    private static void entry(Statement s, int id, String patient, String measuredAt, String state)
            throws SQLException {
        s.execute("INSERT INTO inbox (id, reading_key, topic, device, measured_at, received_at, reading, patient, "
                + "device_ref) VALUES (" + id + ", 'k" + id + "', '" + TOPIC + "', 'sn." + id + "', '" + measuredAt
                + "', now(), '{}'::bytea, '" + patient + "', 'Device/" + id + "')");
        s.execute("INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, received_at, state, next_at) "
                + "VALUES (" + id + ", 'resolve', 'sn." + id + "', '" + measuredAt + "', now(), 'DONE', now()), "
                + "(" + id + ", 'reading-days', 'sn." + id + "', '" + measuredAt + "', now(), '" + state + "', now())");
    }

    private static Flyway flyway(PostgresSchema schema, String target, String defaultZone) {
        var config = Flyway.configure()
                .dataSource(STACK.pgUrl(), STACK.pgUser(), STACK.pgPassword())
                .schemas(schema.name())
                .defaultSchema(schema.name())
                .locations("classpath:db/migration")
                .placeholders(Map.of("billingzone", defaultZone));
        if (target != null) {
            config.target(target);
        }
        return config.load();
    }

    private static Connection connect(PostgresSchema schema) throws SQLException {
        Connection c = DriverManager.getConnection(STACK.pgUrl(), STACK.pgUser(), STACK.pgPassword());
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema.name());
        }
        return c;
    }

    private static List<String> rows(PostgresSchema schema, String sql) throws SQLException {
        try (Connection c = connect(schema); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
