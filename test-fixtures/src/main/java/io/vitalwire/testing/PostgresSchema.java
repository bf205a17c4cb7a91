package io.vitalwire.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A PostgreSQL schema of one test's own in the stack's database, so that tests never see each other's data and never
 * touch the schema that running services use; {@link #close()} drops it. The JDBC driver comes from the test's
 * classpath.
 */
public final class PostgresSchema implements AutoCloseable {

    private final StackSettings stack;
    private final String name = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** A name of its own, nothing created yet: Flyway creates the schema when it migrates it. */
    public PostgresSchema(StackSettings stack) {
        this.stack = stack;
    }

    /** A schema of its own, created now (for services that start together and migrate it once). */
    public static PostgresSchema create(StackSettings stack) throws SQLException {
        PostgresSchema schema = new PostgresSchema(stack);
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema.name);
        }
        return schema;
    }

    public String name() {
        return name;
    }

    /** A Micronaut application's default datasource and its Flyway migration pointed at this schema. */
    public Map<String, String> datasourceProperties() {
        String url = stack.pgUrl() + (stack.pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + name;
        return Map.of("datasources.default.url", url,
                "datasources.default.username", stack.pgUser(),
                "datasources.default.password", stack.pgPassword(),
                "flyway.datasources.default.schemas", name,
                "flyway.datasources.default.default-schema", name);
    }

    /** The single number a query in this schema answers, e.g. a count. */
    public long number(String sql) throws SQLException {
        return (long) decimal(sql);
    }

    /** Likewise, a fraction. */
    public double decimal(String sql) throws SQLException {
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

    /** Drops the schema and everything in it (if it was ever created). */
    @Override
    public void close() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
