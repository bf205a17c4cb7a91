package io.vitalwire.sims.faults;

import io.vitalwire.sims.network.TcpProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.TestPki;
import io.vitalwire.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cloud-ingest jar as one replica of a test: mutual TLS to the test's broker as {@code cloud-ingest}, a share
 * group and a PostgreSQL schema shared with the test's other replicas, and a client id of its own that it keeps
 * across restarts (the broker keeps its session under it), as a real replica would.
 */
final class IngestReplica implements AutoCloseable {

    private static final Path JAR = Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Micronaut's start-up line, e.g. {@code Startup completed in 812ms. Server Running: http://127.0.0.1:41234}. */
    private static final Pattern SERVER_RUNNING = Pattern.compile("Server Running: (http://\\S+)");

    private final String name;
    private final Map<String, String> properties;
    private ServiceProcess process;

    /**
     * @param fhirUrl   the FHIR base URL this replica writes to (the stack's, or a {@link TcpProxy} in front of it)
     * @param influxUrl likewise for InfluxDB
     * @param settings  further cloud-ingest properties of the test
     */
    IngestReplica(String name, TestPki pki, MosquittoBroker broker, PostgresSchema schema, String shareGroup,
                  String fhirUrl, String influxUrl, String influxDb, Map<String, String> settings) {
        this.name = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> p = new HashMap<>(schema.datasourceProperties());
        p.put("vitalwire.ingest.mqtt.broker-url", broker.url());
        p.put("vitalwire.ingest.mqtt.ca-file", pki.ca().toString());
        p.put("vitalwire.ingest.mqtt.cert-file", pki.cert(TestPki.INGEST).toString());
        p.put("vitalwire.ingest.mqtt.key-file", pki.key(TestPki.INGEST).toString());
        p.put("vitalwire.ingest.mqtt.client-id", name);
        p.put("vitalwire.ingest.mqtt.share-group", shareGroup);
        p.put("vitalwire.ingest.fhir.url", fhirUrl);
        p.put("vitalwire.ingest.influx.url", influxUrl);
        p.put("vitalwire.ingest.influx.database", influxDb);
        p.putAll(TestTokens.shared().serverProperties());
        p.putAll(settings);
        this.properties = Map.copyOf(p);
    }

    void start() throws IOException {
        process = ServiceProcess.start(name, JAR, properties);
    }

    /** Started and serving: the first alone (it migrates the schema), then the others together. */
    static void startAll(List<IngestReplica> replicas) throws Exception {
        replicas.get(0).start();
        replicas.get(0).awaitUp();
        for (IngestReplica r : replicas.subList(1, replicas.size())) {
            r.start();
        }
        for (IngestReplica r : replicas.subList(1, replicas.size())) {
            r.awaitUp();
        }
    }

    /** Started and serving; its consumer connects within a second or two after. */
    void awaitUp() throws Exception {
        process.awaitHealth(200, START_TIMEOUT);
    }

    /** kill -9: no shutdown, its claims end with its connections. */
    void kill() throws InterruptedException {
        process.kill();
    }

    JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return JSON.readTree(process.get(pathAndQuery, TestTokens.shared().admin()));
    }

    /**
     * A POST of a JSON body to the admin API (e.g. registering a webhook endpoint) with every role; its 2xx answer's
     * JSON.
     */
    JsonNode post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(address() + path))
                .header("Content-Type", "application/json").header("Authorization", TestTokens.shared().admin())
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * Where this replica serves HTTP, as it printed when it started (the last start, as the log is appended to):
     * {@link ServiceProcess} sends GETs only and keeps its port to itself.
     */
    private String address() throws IOException {
        Matcher running = SERVER_RUNNING.matcher(Files.readString(process.log()));
        String address = null;
        while (running.find()) {
            address = running.group(1);
        }
        if (address == null) {
            throw new IllegalStateException(name + " has not said where it serves yet; see " + process.log());
        }
        return address;
    }

    /** Its output, every start of it (see the alert tests: no names, values or secrets in it). */
    Path log() {
        return process.log();
    }

    JsonNode explain(String readingKey) throws IOException, InterruptedException {
        return get("/admin/readings?key=" + URLEncoder.encode(readingKey, StandardCharsets.UTF_8));
    }

    /**
     * The sum of a Prometheus metric's samples that carry every given label, e.g.
     * {@code metric("vitalwire_ingest_acks_total", "outcome=\"sent\"")}; 0 when there is none.
     */
    double metric(String metric, String... labels) throws IOException, InterruptedException {
        double sum = 0;
        String scraped = process.get("/prometheus", TestTokens.shared().bearer("prometheus", "metrics"));
        for (String line : scraped.split("\n")) {
            if (!line.startsWith(metric + "{") && !line.startsWith(metric + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.close();
        }
    }
}
