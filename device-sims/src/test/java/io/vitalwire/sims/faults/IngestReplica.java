package io.vitalwire.sims.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.e2e.ServiceProcess;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.TestPki;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The cloud-ingest jar as one replica of a test: mutual TLS to the test's broker as {@code cloud-ingest}, a share
 * group and a PostgreSQL schema shared with the test's other replicas, and a client id of its own that it keeps
 * across restarts (the broker keeps its session under it), as a real replica would.
 */
final class IngestReplica implements AutoCloseable {

    private static final Path JAR = Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        p.putAll(settings);
        this.properties = Map.copyOf(p);
    }

    void start() throws IOException {
        process = ServiceProcess.start(name, JAR, properties);
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
        return JSON.readTree(process.get(pathAndQuery));
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
        for (String line : process.get("/prometheus").split("\n")) {
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
