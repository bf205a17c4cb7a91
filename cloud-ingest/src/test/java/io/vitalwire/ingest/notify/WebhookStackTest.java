package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.testing.StackTest;
import jakarta.inject.Inject;
import io.vitalwire.testing.TestTokens;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.slf4j.LoggerFactory;

/**
 * What the webhook integration tests share: the application context on the dev stack with its own PostgreSQL schema
 * ({@link StackTest}) and a key file of its own, a {@link WebhookReceiver}, the admin API over real HTTP, alerts
 * inserted as the rules stage would (row, then {@link Notifier#raised} in the same transaction, then
 * {@link Notifier#wake()}), and every log line of the run checked afterwards for secrets, patients and values.
 */
abstract class WebhookStackTest extends StackTest {

    /** A value no log line has any business holding. */
    static final BigDecimal VALUE = new BigDecimal("83.17");

    protected final WebhookReceiver receiver = WebhookReceiver.start();
    protected final Path keyDir;
    protected final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> secretsShown = new ArrayList<>();
    private final List<String> patients = new ArrayList<>();
    private final AtomicInteger alerts = new AtomicInteger();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger notifyLog = (Logger) LoggerFactory.getLogger("io.vitalwire.ingest.notify");
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @Inject
    Notifier notifier;
    @Inject
    DataSource dataSource;
    @Inject
    DeliveryWorkers workers;

    WebhookStackTest() {
        super("gw-hook");
        try {
            keyDir = Files.createTempDirectory("webhook-key");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        logs.start();
        root.addAppender(logs);
        // Debug lines too: they must be as clean as the rest.
        notifyLog.setLevel(Level.DEBUG);
    }

    /** This class's properties beyond the common ones. */
    protected Map<String, String> webhookProperties() {
        return Map.of();
    }

    @Override
    protected Map<String, String> overrides() {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.ingest.notify.poll-interval", "200ms");
        p.put("vitalwire.ingest.notify.secret-key-file", keyDir.resolve("webhook-secret.key").toString());
        p.putAll(webhookProperties());
        return p;
    }

    @AfterAll
    void noSecretPatientOrValueLogged() throws InterruptedException, IOException {
        // Before StackTest drops the schema: the workers would otherwise poll tables that are gone.
        workers.close();
        receiver.close();
        try (Stream<Path> files = Files.list(keyDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(keyDir);
        root.detachAppender(logs);
        notifyLog.setLevel(null);
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            lines.add(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertThat(secretsShown).as("the tests saw secrets").isNotEmpty();
        assertThat(lines).as("lines logged").isNotEmpty();
        for (String line : lines) {
            for (String secret : secretsShown) {
                assertThat(line).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()));
            }
            for (String patient : patients) {
                assertThat(line).doesNotContain(patient);
            }
            assertThat(line).doesNotContain(VALUE.toPlainString());
        }
    }

    // ---- the admin API, as an operator's tool calls it

    /**
     * Creates an endpoint for the receiver {@code name}, which then verifies with the secret answered. Unless
     * {@code fields} say otherwise, it takes the alerts of tenant {@code name} only: each test raises alerts of its
     * own tenant, and the endpoints of the other tests in the class (one schema) do not see them.
     */
    JsonNode createEndpoint(String name, Map<String, Object> fields) throws Exception {
        Map<String, Object> body = new HashMap<>(fields);
        body.putIfAbsent("url", receiver.url(name));
        body.putIfAbsent("tenants", List.of(name));
        HttpResponse<String> created = call("POST", "/admin/webhooks/endpoints", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode answer = json.readTree(created.body());
        String secret = answer.path("secret").asText();
        shown(secret);
        receiver.secrets(name, secret);
        return answer;
    }

    /** Rotates the endpoint's secret: answers the new one (the test decides which secrets its receiver knows). */
    String rotate(String endpointId) throws Exception {
        HttpResponse<String> rotated = call("POST", "/admin/webhooks/endpoints/" + endpointId + "/secrets", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String secret = json.readTree(rotated.body()).path("secret").asText();
        shown(secret);
        return secret;
    }

    void shown(String secret) {
        assertThat(secret).startsWith("whsec_");
        secretsShown.add(secret);
    }

    /** A call to the admin API with every role; {@code body} as JSON, or none. */
    HttpResponse<String> call(String method, String path, Object body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .method(method, publisher).header("Authorization", TestTokens.shared().admin());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode ok(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    // ---- alerts, as the rules stage raises them

    /** The created endpoint's id. */
    static String id(JsonNode created) {
        return created.path("endpoint").path("id").asText();
    }

    /** An alert of a patient of this run (an SpO2 alert, or a gateway-offline one for operations). */
    AlertNotice alert(String tenant, String kind, String severity, String readingKey) {
        String patient = "pt-" + run + "-" + alerts.incrementAndGet();
        patients.add(patient);
        // PostgreSQL keeps microseconds: what is read back equals what was raised.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        boolean operations = kind.equals("operations");
        return new AlertNotice(UUID.randomUUID(), tenant, kind, operations ? "gateway-offline" : "spo2", severity,
                operations ? null : patient, gateway, null, readingKey,
                now.minusSeconds(5).truncatedTo(ChronoUnit.MILLIS),
                false, operations ? null : VALUE, operations ? null : "%",
                operations ? List.of() : List.of(new AlertNotice.Value("150456", VALUE, "%")), now);
    }

    /** A critical clinical alert of {@code tenant}. */
    AlertNotice alert(String tenant) {
        return alert(tenant, "clinical", "critical", "key-" + run + "-" + UUID.randomUUID());
    }

    /** Inserts the alerts and queues their webhooks in one transaction, commits, wakes the workers. */
    void raise(AlertNotice... raised) throws SQLException {
        Jdbc.inTransaction(dataSource, c -> {
            for (AlertNotice a : raised) {
                insertAlert(c, a);
                notifier.raised(c, a);
            }
            return null;
        });
        notifier.wake();
    }

    /** The alert's row, as the rules stage inserts it (the same alert twice is one row). */
    void insertAlert(Connection c, AlertNotice a) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO alert (id, tenant, kind, rule, severity, "
                + "patient, gateway, reading_key, measured_at, late, value, unit, reading_values, raised_at, state) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'RAISED') ON CONFLICT (id) DO NOTHING")) {
            Object[] values = {a.id(), a.tenant(), a.kind(), a.rule(), a.severity(), a.patient(), a.gateway(),
                a.readingKey(), Timestamp.from(a.measuredAt()), a.late(), a.value(), a.unit(),
                json.writeValueAsString(a.values()), Timestamp.from(a.raisedAt())};
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- what became of them

    /** The deliveries of the alert to the endpoint, as the admin API lists them. */
    List<JsonNode> deliveriesOf(AlertNotice alert, String endpoint) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode d : ok(call("GET", "/admin/webhooks/deliveries?limit=500&endpoint=" + endpoint, null))
                .path("deliveries")) {
            if (d.path("alertId").asText().equals(alert.id().toString())) {
                found.add(d);
            }
        }
        return found;
    }

    /** Waits until the alert's only delivery to the endpoint is in {@code state}, and answers it. */
    JsonNode awaitDelivery(AlertNotice alert, String endpoint, String state) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<JsonNode> ds = deliveriesOf(alert, endpoint);
            found[0] = ds.size() == 1 ? ds.get(0) : null;
            return found[0] != null && found[0].path("state").asText().equals(state);
        });
        return found[0];
    }

    /** Waits until the receiver has had {@code count} requests, and answers them. */
    List<WebhookReceiver.Received> awaitReceived(String name, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> receiver.received(name).size() >= count);
        return receiver.received(name);
    }
}
