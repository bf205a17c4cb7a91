package io.vitalwire.ingest.testing;

import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The local stack of real services ({@link StackSettings}), as properties for a cloud-ingest application context
 * under test. Each test class gets a PostgreSQL schema of its own ({@link PostgresSchema}: migrated by Flyway as in
 * production, dropped afterwards), so tests never see each other's windows or quarantine, and never touch the schema
 * that running cloud-ingest processes use. The MQTT consumer is off: tests hand messages to {@code ReadingMessages}
 * directly, because every cloud-ingest subscribed to the shared broker also receives any message published there.
 */
public final class TestStack {

    public static final StackSettings SETTINGS = StackSettings.fromEnvironment();

    private final PostgresSchema schema = new PostgresSchema(SETTINGS);
    /** The service's key files (quarantine, device aliases), generated there on start as in production. */
    private final Path keys = temporaryDirectory();

    /** Properties for the application context; {@code overrides} go last. */
    public Map<String, String> properties(Map<String, String> overrides) {
        Map<String, String> p = new HashMap<>();
        p.put("micronaut.server.port", "-1");
        p.putAll(schema.datasourceProperties());
        p.put("vitalwire.ingest.mqtt.enabled", "false");
        // The admin API trusts the test JVM's token issuer (the tests call it with TestTokens).
        p.putAll(TestTokens.shared().serverProperties());
        p.put("vitalwire.ingest.fhir.url", SETTINGS.fhirUrl());
        p.put("vitalwire.ingest.influx.url", SETTINGS.influxUrl());
        p.put("vitalwire.ingest.influx.database", SETTINGS.influxDb());
        // Tests drive the closer and the sweep themselves unless they say otherwise.
        p.put("vitalwire.ingest.window.closer-enabled", "false");
        p.put("vitalwire.ingest.replay.sweep-enabled", "false");
        p.put("vitalwire.ingest.quarantine.purge-enabled", "false");
        p.put("vitalwire.ingest.quarantine.key-file", keys.resolve("quarantine.key").toString());
        p.put("vitalwire.ingest.aliases.key-file", keys.resolve("device-alias.key").toString());
        p.putAll(overrides);
        return p;
    }

    /** Where this context's key files are. */
    public Path keys() {
        return keys;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("vw-ingest-keys-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void dropSchema() throws SQLException {
        schema.close();
    }
}
