package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.process.AdminToken;
import io.vitalwire.sims.process.IngestDatabase;
import io.vitalwire.sims.process.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * cloud-ingest replicas as operators scale it out: each the jar in its own JVM ({@code cloud-ingest/target/
 * cloud-ingest.jar}, {@link ServiceProcess}), all on one PostgreSQL schema of the run's own (dropped at the end) and
 * one shared subscription group, connected to the broker over mutual TLS as the {@code cloud-ingest} service. The
 * first replica migrates the schema and makes the key files the others then share (as the service's configuration
 * says replicas must); the admin API is called with a token the jar's {@code token} command signs with the dev
 * stack's key.
 */
final class FleetIngest implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String schema;
    private final List<ServiceProcess> replicas;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();

    private FleetIngest(String schema, List<ServiceProcess> replicas, String authorization) {
        this.schema = schema;
        this.replicas = replicas;
        this.authorization = authorization;
    }

    /**
     * @param run      names the schema, the client ids and the share group
     * @param dir      where the replicas' logs go
     * @param settings further cloud-ingest properties
     */
    static FleetIngest start(int count, String run, FleetStack stack, Path dir, Map<String, String> settings)
            throws Exception {
        Path jar = stack.repository().resolve("cloud-ingest/target/cloud-ingest.jar");
        // The keys cloud-ingest makes (0600) for the run only, shared by its replicas.
        Path keys = Files.createTempDirectory("fleet-ingest-keys-");
        String schema = "fleet_" + run;
        String pgUrl = env("VW_PG_URL", "jdbc:postgresql://127.0.0.1:15432/vitalwire");
        List<ServiceProcess> replicas = new ArrayList<>();
        FleetIngest ingest = null;
        try {
            for (int i = 0; i < count; i++) {
                Map<String, String> p = new HashMap<>(settings);
                p.put("datasources.default.url", pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema="
                        + schema);
                p.put("datasources.default.username", env("VW_PG_USER", "vitalwire"));
                p.put("datasources.default.password", env("VW_PG_PASSWORD", "vitalwire"));
                p.put("flyway.datasources.default.schemas", schema);
                p.put("flyway.datasources.default.default-schema", schema);
                p.put("vitalwire.ingest.mqtt.broker-url", stack.broker().toString());
                p.put("vitalwire.ingest.mqtt.ca-file", stack.pki().resolve("ca.pem").toString());
                p.put("vitalwire.ingest.mqtt.cert-file", stack.pki().resolve("cloud-ingest.pem").toString());
                p.put("vitalwire.ingest.mqtt.key-file", stack.pki().resolve("cloud-ingest.key").toString());
                p.put("vitalwire.ingest.mqtt.client-id", "fleet-ingest-" + run + "-" + i);
                p.put("vitalwire.ingest.mqtt.share-group", "fleet-" + run);
                // A replica that is gone leaves no session queueing the fleet's messages for long.
                p.put("vitalwire.ingest.mqtt.session-expiry", "1m");
                p.put("vitalwire.ingest.fhir.url", stack.fhir().toString());
                // A fleet in steady state: every device's assignment at hand, as after a day of readings (a spot
                // device measures every ~12 minutes of the benchmark's compressed day, so a 40 s step would otherwise
                // see nearly every spot device for the first time). The replica is healthy once it has read them.
                p.put("vitalwire.ingest.resolve.preload", "true");
                p.put("vitalwire.ingest.influx.url", env("VW_INFLUX_URL", "http://127.0.0.1:18086"));
                p.put("vitalwire.ingest.influx.database", env("VW_INFLUX_DB", "vitalwire"));
                p.put("vitalwire.ingest.notify.secret-key-file", keys.resolve("webhook-secret.key").toString());
                p.put("vitalwire.ingest.quarantine.key-file", keys.resolve("quarantine.key").toString());
                p.put("vitalwire.ingest.aliases.key-file", keys.resolve("device-alias.key").toString());
                p.put("micronaut.security.token.jwt.signatures.jwks-static.dev.path", "file:" + stack.adminJwks());
                p.put("micronaut.security.token.jwt.claims-validators.issuer", stack.adminIssuer());
                // Named by the series too: the run directory holds every series' logs, none overwritten.
                ServiceProcess replica = ServiceProcess.start("cloud-ingest-" + run + "-" + i, jar,
                        List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"), p, dir);
                replicas.add(replica);
                // One at a time: the first migrates the schema and writes the key files the others read.
                replica.awaitHealth(200, START_TIMEOUT);
            }
            ingest = new FleetIngest(schema, replicas, "Bearer " + token(jar, stack));
            return ingest;
        } finally {
            if (ingest == null) {
                for (ServiceProcess r : replicas) {
                    r.close();
                }
            }
        }
    }

    int replicas() {
        return replicas.size();
    }

    /** A POST of a JSON body to the first replica's admin API; its 2xx answer's JSON. */
    JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(replicas.get(0).url(path)))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A connection to the replicas' schema. */
    Connection sql() throws SQLException {
        return IngestDatabase.connect(schema);
    }

    private static String token(Path jar, FleetStack stack) throws IOException, InterruptedException {
        return AdminToken.sign(jar, "fleet-benchmark", stack.adminKey().toString(), stack.adminIssuer(),
                "operator", "clinical-admin", "metrics");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Every replica stopped (SIGTERM), then the schema dropped: a run leaves no inbox rows behind. */
    @Override
    public void close() throws InterruptedException {
        for (ServiceProcess r : replicas) {
            r.close();
        }
        try (Connection c = sql(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop schema " + schema + ": " + e.getMessage());
        }
    }
}
