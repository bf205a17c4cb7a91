package io.vitalwire.sims.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.process.AdminToken;
import io.vitalwire.sims.process.IngestDatabase;
import io.vitalwire.sims.process.Repository;
import io.vitalwire.testing.FreePorts;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * cloud-ingest as operators run it — the jar in its own JVM ({@code cloud-ingest/target/cloud-ingest.jar}) — for a
 * benchmark: on the dev stack's PostgreSQL, FHIR server and InfluxDB, in a PostgreSQL schema of the run's own
 * (Flyway creates it; {@link #close()} drops it), consuming from the benchmark's broker. Its own JVM because
 * cloud-ingest and the gateway are two Micronaut applications that cannot share a classpath (BENCHMARKS.md). Its
 * admin API trusts the dev stack's token key ({@code stack.sh env}: VW_ADMIN_JWKS, VW_ADMIN_DEV_KEY), and the
 * benchmark calls it with a token the jar's {@code token} command signs with that key, as an operator would.
 */
final class BenchIngest implements AutoCloseable {

    private static final Path JAR = Repository.file("cloud-ingest/target/cloud-ingest.jar");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final String schema;
    private final Path copy;
    private final Process process;
    private final String address;
    private final Path log;
    private final String authorization;
    private final HttpClient http = HttpClient.newHttpClient();

    private BenchIngest(String schema, Path copy, Process process, String address, Path log, String authorization) {
        this.authorization = authorization;
        this.schema = schema;
        this.copy = copy;
        this.process = process;
        this.address = address;
        this.log = log;
    }

    /**
     * @param run      names the schema, the client id and the share group
     * @param settings further cloud-ingest properties of the benchmark
     */
    static BenchIngest start(String run, String brokerUrl, Path dir, Map<String, String> settings)
            throws IOException, InterruptedException {
        String schema = "bench_" + run;
        int port = FreePorts.tcp();
        Path jar = copy(dir.resolve("cloud-ingest"));
        String pgUrl = env("VW_PG_URL", "jdbc:postgresql://127.0.0.1:15432/vitalwire");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dmicronaut.server.port=" + port,
                "-Ddatasources.default.url=" + pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "-Ddatasources.default.username=" + env("VW_PG_USER", "vitalwire"),
                "-Dflyway.datasources.default.schemas=" + schema,
                "-Dflyway.datasources.default.default-schema=" + schema,
                "-Dvitalwire.ingest.mqtt.broker-url=" + brokerUrl,
                "-Dvitalwire.ingest.mqtt.client-id=bench-ingest-" + run,
                "-Dvitalwire.ingest.mqtt.share-group=bench-" + run,
                "-Dvitalwire.ingest.fhir.url=" + fhirUrl(),
                "-Dvitalwire.ingest.influx.url=" + env("VW_INFLUX_URL", "http://127.0.0.1:18086"),
                "-Dvitalwire.ingest.influx.database=" + env("VW_INFLUX_DB", "vitalwire"),
                "-Dvitalwire.ingest.notify.secret-key-file=" + dir.resolve("webhook-secret.key"),
                "-Dvitalwire.ingest.quarantine.key-file=" + dir.resolve("quarantine.key"),
                "-Dvitalwire.ingest.aliases.key-file=" + dir.resolve("device-alias.key"),
                "-Dmicronaut.security.token.jwt.signatures.jwks-static.dev.path=file:" + devAdmin("VW_ADMIN_JWKS"),
                "-Dmicronaut.security.token.jwt.claims-validators.issuer=" + devAdmin("VW_ADMIN_ISSUER")));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        Path log = dir.resolve("cloud-ingest.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // The password through the environment: a command line is visible to everyone in ps.
        builder.environment().put("DATASOURCES_DEFAULT_PASSWORD", env("VW_PG_PASSWORD", "vitalwire"));
        Process process = builder.start();
        // A benchmark stopped from outside (Ctrl-C, kill) must not leave its cloud-ingest polling PostgreSQL and
        // taking CPU from the next run: that skewed earlier runs.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        BenchIngest ingest = new BenchIngest(schema, jar.getParent(), process, "http://127.0.0.1:" + port, log,
                "Bearer " + token(jar));
        try {
            ingest.awaitHealthy();
            return ingest;
        } catch (IOException | InterruptedException | RuntimeException e) {
            ingest.close();
            throw e;
        }
    }

    /**
     * The jar and its {@code lib/} (its manifest's class path), copied: builds beside the benchmark replace them in
     * {@code target/}, and a JVM whose jar was replaced fails on the next class it loads (seen: a
     * NoClassDefFoundError in the window closer, then an exhausted connection pool).
     */
    private static Path copy(Path to) throws IOException {
        Path lib = Files.createDirectories(to.resolve("lib"));
        try (Stream<Path> jars = Files.list(JAR.resolveSibling("lib"))) {
            for (Path dependency : jars.toList()) {
                Files.copy(dependency, lib.resolve(dependency.getFileName()));
            }
        }
        return Files.copy(JAR, to.resolve(JAR.getFileName()));
    }

    /** The dev stack's FHIR server ({@code deploy/dev/stack.sh env}). */
    static String fhirUrl() {
        return env("VW_FHIR_URL", "http://127.0.0.1:18080/fhir");
    }

    private void awaitHealthy() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cloud-ingest exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(address + "/health")).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("cloud-ingest not healthy after " + START_TIMEOUT + "; see " + log);
    }

    /** A POST of a JSON body to the admin API; its 2xx answer's JSON. */
    JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(address + path))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The sum of a Prometheus metric's samples that carry every given label; 0 when there is none. */
    double metric(String metric, String... labels) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(URI.create(address + "/prometheus"))
                .header("Authorization", authorization)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
                boolean all = true;
                for (String label : labels) {
                    all &= line.contains(label);
                }
                sum += all ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) : 0;
            }
        }
        return sum;
    }

    /** A connection to its schema, for what the benchmark reads afterwards (where the time went). */
    Connection sql() throws SQLException {
        return IngestDatabase.connect(schema);
    }

    /** A setting of the dev stack's admin token key; the benchmark cannot call the admin API without it. */
    private static String devAdmin(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run `eval \"$(deploy/dev/stack.sh env)\"` first");
        }
        return value;
    }

    /** A token for the run (operator, clinical-admin, metrics) from the jar's {@code token} command. */
    private static String token(Path jar) throws IOException, InterruptedException {
        return AdminToken.sign(jar, "benchmark", devAdmin("VW_ADMIN_DEV_KEY"), devAdmin("VW_ADMIN_ISSUER"),
                "operator", "clinical-admin", "metrics");
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Stopped (SIGTERM), then its schema dropped and its copy (~80 MB) deleted: a run leaves no hundreds of thousands
     * of inbox rows behind, only its log.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        try (Connection c = sql(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop schema " + schema + ": " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
