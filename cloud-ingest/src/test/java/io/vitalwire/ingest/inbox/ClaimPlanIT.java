package io.vitalwire.ingest.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The claims' statements find pending entries through the partial indexes of pending entries also in the plan
 * PostgreSQL makes for any parameter values: pgjdbc prepares a statement on the server after a few executions, and
 * PostgreSQL may then use such a generic plan for good. With the state as a parameter, that plan could not use the
 * partial indexes and scanned the primary key for the stage instead (8–16 ms a claim at 10,000 hubs, fleet
 * benchmark). The inbox here holds 100,000 delivery rows, 1 % of them pending, as under load.
 */
@MicronautTest
class ClaimPlanIT extends StackTest {

    @Inject
    DataSource dataSource;

    ClaimPlanIT() {
        super("gw-plan");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.inbox.workers-enabled", "false");
    }

    @BeforeEach
    void inboxUnderLoad() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM inbox");
            s.execute("INSERT INTO inbox (reading_key, topic, device, measured_at, received_at, reading) "
                    + "SELECT 'plan-' || g, 'vw/v1/t/gw-plan/readings', 'sn.plan-' || (g % 2000), "
                    + "now() - g * interval '1 second', now(), '\\x00'::bytea FROM generate_series(1, 20000) g");
            s.execute("INSERT INTO inbox_delivery (entry_id, stage, device, measured_at, received_at, state, next_at, "
                    + "express) SELECT i.id, s.stage, i.device, i.measured_at, i.received_at, "
                    + "CASE WHEN i.id % 100 = 0 THEN 'PENDING' ELSE 'DONE' END, i.received_at, i.id % 7 = 0 "
                    + "FROM inbox i CROSS JOIN (VALUES ('resolve'), ('fhir'), ('influx'), ('rules'), ('other')) "
                    + "AS s(stage)");
            s.execute("ANALYZE inbox");
            s.execute("ANALYZE inbox_delivery");
        }
    }

    @ParameterizedTest
    @EnumSource(Lane.class)
    void theDevicesOfAClaim_areFoundThroughThePendingIndex_inTheGenericPlan(Lane lane) throws SQLException {
        String plan = genericPlan(InboxStore.lockedDevices(lane), "200, 200, 'fhir', now(), 500, 500, 1");

        assertThat(plan).contains(pendingIndex(lane)).doesNotContain("inbox_delivery_pkey")
                .doesNotContain("Seq Scan on inbox_delivery");
    }

    @ParameterizedTest
    @EnumSource(Lane.class)
    void theEntriesOfAClaim_areReadThroughThePendingIndex_inTheGenericPlan(Lane lane) throws SQLException {
        String plan = genericPlan(InboxStore.dueEntries(lane), "ARRAY['sn.plan-1', 'sn.plan-2'], 'fhir', now(), 200");

        assertThat(plan).contains(pendingIndex(lane)).doesNotContain("inbox_delivery_pkey")
                .doesNotContain("Seq Scan on inbox_delivery");
    }

    @Test
    void aStatementWithTheStateAsAParameter_scansMoreThanThePendingIndex() throws SQLException {
        // The check above can fail: the same device query with the state as a parameter does not use the index.
        String withParameter = InboxStore.lockedDevices(Lane.ALL).replace("state = 'PENDING'", "state = ?");
        String plan = genericPlan(withParameter, "200, 200, 'fhir', 'PENDING', now(), 500, 500, 1");

        assertThat(plan).doesNotContain("inbox_delivery_pending");
    }

    private static String pendingIndex(Lane lane) {
        return lane == Lane.EXPRESS ? "inbox_delivery_express" : "inbox_delivery_pending";
    }

    /** The plan PostgreSQL makes for any parameter values (JDBC's {@code ?} numbered as {@code $1…}). */
    private String genericPlan(String jdbcStatement, String arguments) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : jdbcStatement.toCharArray()) {
            if (ch == '?') {
                numbered.append('$').append(++n);
            } else {
                numbered.append(ch);
            }
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET plan_cache_mode = force_generic_plan");
            s.execute("PREPARE claim_plan AS " + numbered);
            StringBuilder plan = new StringBuilder();
            try {
                c.setAutoCommit(false); // pg_try_advisory_xact_lock: EXPLAIN runs nothing, but keep it in a transaction
                try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE claim_plan(" + arguments + ")")) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                c.rollback();
            } finally {
                c.setAutoCommit(true);
                s.execute("DEALLOCATE claim_plan");
                s.execute("RESET plan_cache_mode");
            }
            return plan.toString();
        }
    }
}
