package io.vitalwire.sims.process;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A connection to the dev stack's PostgreSQL ({@code deploy/dev/stack.sh env}: VW_PG_URL, VW_PG_USER,
 * VW_PG_PASSWORD, with the stack's defaults) in the schema of a benchmark's cloud-ingest, for what the benchmark
 * reads there afterwards.
 */
public final class IngestDatabase {

    private IngestDatabase() {
    }

    public static Connection connect(String schema) throws SQLException {
        Connection c = DriverManager.getConnection(env("VW_PG_URL", "jdbc:postgresql://127.0.0.1:15432/vitalwire"),
                env("VW_PG_USER", "vitalwire"), env("VW_PG_PASSWORD", "vitalwire"));
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + schema);
        }
        return c;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
