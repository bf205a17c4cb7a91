package io.vitalwire.sims.faults;

import io.vitalwire.sims.e2e.StackEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A PostgreSQL schema of one test's own in the stack's database, for the cloud-ingest replicas of that test to
 * share (inbox, windows, quarantine, events), migrated by the replicas' Flyway as in production; dropped at the end.
 * Other tests and running cloud-ingests never see it.
 */
final class IngestSchema implements AutoCloseable {

    private final StackEnv stack;
    private final String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    private IngestSchema(StackEnv stack) {
        this.stack = stack;
    }

    static IngestSchema create(StackEnv stack) throws SQLException {
        IngestSchema schema = new IngestSchema(stack);
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema.name);
        }
        return schema;
    }

    /** cloud-ingest's datasource and Flyway pointed at this schema. */
    Map<String, String> properties() {
        String url = stack.pgUrl() + (stack.pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + name;
        return Map.of("datasources.default.url", url,
                "datasources.default.username", stack.pgUser(),
                "datasources.default.password", stack.pgPassword(),
                "flyway.datasources.default.schemas", name,
                "flyway.datasources.default.default-schema", name);
    }

    /** The single number a query in this schema answers, e.g. a count. */
    long number(String sql) throws SQLException {
        return (long) decimal(sql);
    }

    /** Likewise, a fraction. */
    double decimal(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET search_path TO " + name);
            try (PreparedStatement query = c.prepareStatement(sql); ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getDouble(1);
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(stack.pgUrl(), stack.pgUser(), stack.pgPassword());
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
