package io.vitalwire.ingest.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The local stack of real services ({@code deploy/dev/stack.sh env}), as properties for a cloud-ingest application
 * context under test. Each test class gets a PostgreSQL schema of its own (migrated by Flyway as in production,
 * dropped afterwards), so tests never see each other's windows or quarantine, and never touch the schema that
 * running cloud-ingest processes use. The MQTT consumer is off: tests hand messages to {@code ReadingMessages}
 * directly, because every cloud-ingest subscribed to the shared broker also receives any message published there.
 */
public final class TestStack {

    private final String schema = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    public String schema() {
        return schema;
    }

    public static String fhirUrl() {
        return env("VW_FHIR_URL", "http://127.0.0.1:18080/fhir");
    }

    public static String influxUrl() {
        return env("VW_INFLUX_URL", "http://127.0.0.1:18086");
    }

    public static String influxDb() {
        return env("VW_INFLUX_DB", "vitalwire");
    }

    /** Properties for the application context; {@code overrides} go last. */
    public Map<String, String> properties(Map<String, String> overrides) {
        String pgUrl = env("VW_PG_URL", "jdbc:postgresql://127.0.0.1:15432/vitalwire");
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.put("datasources.default.url", pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        p.put("datasources.default.username", pgUser());
        p.put("datasources.default.password", pgPassword());
        p.put("flyway.datasources.default.schemas", schema);
        p.put("flyway.datasources.default.default-schema", schema);
        p.put("vitalwire.ingest.mqtt.enabled", "false");
        p.put("vitalwire.ingest.fhir.url", fhirUrl());
        p.put("vitalwire.ingest.influx.url", influxUrl());
        p.put("vitalwire.ingest.influx.database", influxDb());
        // Tests drive the closer and the sweep themselves unless they say otherwise.
        p.put("vitalwire.ingest.window.closer-enabled", "false");
        p.put("vitalwire.ingest.replay.sweep-enabled", "false");
        p.putAll(overrides);
        return p;
    }

    public void dropSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(env("VW_PG_URL",
                "jdbc:postgresql://127.0.0.1:15432/vitalwire"), pgUser(), pgPassword());
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String pgUser() {
        return env("VW_PG_USER", "vitalwire");
    }

    private static String pgPassword() {
        return env("VW_PG_PASSWORD", "vitalwire");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
