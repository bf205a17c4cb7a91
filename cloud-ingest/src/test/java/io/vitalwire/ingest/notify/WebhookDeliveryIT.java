package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.db.Jdbc;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.fhir.WindowCloser;
import io.vitalwire.ingest.notify.WebhookReceiver.Answer;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * Deliveries on the dev stack to a real HTTP receiver that verifies every request with Standard Webhooks' library:
 * once, signed, with the Observation's reference (a spot reading's; a stream window's once written); one delivery for
 * an alert raised twice; retries through 5xx, a 429 with Retry-After and a timeout; 410 disabling the endpoint; the
 * dead-letter list and replay; a replica dying mid-send. The retry schedule is shortened (300 ms steps, one of
 * 2.5 s), the timeout 1 s.
 */
@MicronautTest
class WebhookDeliveryIT extends WebhookStackTest {

    @Inject
    MeterRegistry metrics;
    @Inject
    WindowCloser closer;

    @Override
    protected Map<String, String> webhookProperties() {
        return Map.of("vitalwire.ingest.notify.retry-delays", "300ms,300ms,300ms,300ms,300ms,2500ms",
                "vitalwire.ingest.notify.retry-jitter", "0",
                "vitalwire.ingest.notify.timeout", "1s");
    }

    @Test
    void raised_isDeliveredOnce_signed_withTheMinimumAndTheObservation() throws Exception {
        JsonNode endpoint = createEndpoint("once", Map.of());
        // A real reading through the pipeline first: FHIR has its Observation when the alert goes out.
        String patient = fixtures.patient();
        DeviceIdentity scale = registered("SCALE-hook", patient);
        Reading weighing = GatewayReadings.weight(gateway, scale, Instant.now().truncatedTo(ChronoUnit.SECONDS), "70.4");
        send(List.of(weighing));
        List<Observation> written = fixtures.observations(FhirSystems.READING_KEY, weighing.key());
        assertThat(written).hasSize(1);
        double delivered = count("delivered");

        AlertNotice alert = alert("once", "clinical", "critical", weighing.key());
        raise(alert);

        WebhookReceiver.Received got = awaitReceived("once", 1).get(0);
        assertThat(got.verifiedWith()).as(got.failures().toString()).containsExactly(endpoint.path("secret").asText());
        assertThat(got.webhookId()).isEqualTo(alert.id().toString());
        assertThat(got.contentType()).startsWith("application/json");
        assertThat(got.timestamp()).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
        JsonNode body = json.readTree(got.body());
        assertThat(body.path("type").asText()).isEqualTo("alert.raised");
        assertThat(Instant.parse(body.path("timestamp").asText())).isEqualTo(alert.raisedAt());
        JsonNode data = body.path("data");
        assertThat(data.path("alertId").asText()).isEqualTo(alert.id().toString());
        assertThat(data.path("patient").asText()).isEqualTo("Patient/" + alert.patient());
        assertThat(data.path("value").decimalValue()).isEqualTo(VALUE);
        assertThat(data.path("values").get(0).path("value").decimalValue()).isEqualTo(VALUE);
        assertThat(data.path("observation").path("identifier").path("value").asText()).isEqualTo(weighing.key());
        assertThat(data.path("observation").path("reference").asText())
                .isEqualTo("Observation/" + written.get(0).getIdElement().getIdPart());

        JsonNode d = awaitDelivery(alert, id(endpoint), "DELIVERED");
        assertThat(d.path("attempts").asInt()).isEqualTo(1);
        assertThat(d.path("lastStatus").asInt()).isEqualTo(200);
        assertThat(count("delivered") - delivered).isEqualTo(1);
        Thread.sleep(800);
        assertThat(receiver.received("once")).as("sent once").hasSize(1);
    }

    /**
     * A stream sample's Observation is its window's: none until the window is written (the webhook does not wait for
     * it), the window's once it is.
     */
    @Test
    void streamSample_referenceIsItsWindowsObservation_onceWritten() throws Exception {
        String endpoint = id(createEndpoint("window", Map.of()));
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("STRAP-hook", patient);
        Instant start = minuteBefore(Duration.ofHours(2));
        Reading first = GatewayReadings.heartRate(gateway, strap, start.plusSeconds(5), "64");
        Reading second = GatewayReadings.heartRate(gateway, strap, start.plusSeconds(6), "65");
        send(List.of(first, second));

        AlertNotice before = alert("window", "clinical", "warning", first.key());
        raise(before);
        awaitDelivery(before, endpoint, "DELIVERED");
        JsonNode unwritten = json.readTree(receiver.received("window").get(0).body()).at("/data/observation");
        assertThat(unwritten.path("reference").isNull()).as("the window is not written yet").isTrue();
        assertThat(unwritten.at("/identifier/value").asText()).isEqualTo(first.key());

        // Past the grace (30 s) a sample arriving late gives its window.
        assertThat(closer.closeDue(Instant.now().plusSeconds(60))).isGreaterThanOrEqualTo(1);
        List<Observation> windows = fixtures.observationsOf(patient);
        assertThat(windows).hasSize(1);
        AlertNotice after = alert("window", "clinical", "warning", second.key());
        raise(after);
        awaitDelivery(after, endpoint, "DELIVERED");
        assertThat(json.readTree(receiver.received("window").get(1).body()).at("/data/observation/reference").asText())
                .isEqualTo("Observation/" + windows.get(0).getIdElement().getIdPart());
    }

    @Test
    void theSameAlertRaisedTwice_isOneDelivery() throws Exception {
        String endpoint = id(createEndpoint("twice", Map.of()));
        AlertNotice alert = alert("twice");
        Jdbc.inTransaction(dataSource, c -> {
            insertAlert(c, alert);
            notifier.raised(c, alert);
            notifier.raised(c, alert);
            return null;
        });
        raise(alert);
        awaitDelivery(alert, endpoint, "DELIVERED");
        Thread.sleep(800);
        assertThat(receiver.received("twice")).hasSize(1);
        assertThat(deliveriesOf(alert, endpoint)).hasSize(1);
    }

    @Test
    void failures_areRetried_retryAfterHonoured_thenDelivered() throws Exception {
        JsonNode endpoint = createEndpoint("flaky", Map.of());
        receiver.script("flaky", Answer.status(500), Answer.status(503), Answer.retryAfter(429, "2"),
                Answer.slow(Duration.ofMillis(2500)));
        double retried = count("retried");
        AlertNotice alert = alert("flaky");
        raise(alert);

        List<WebhookReceiver.Received> got = awaitReceived("flaky", 5);
        JsonNode d = awaitDelivery(alert, id(endpoint), "DELIVERED");
        assertThat(d.path("attempts").asInt()).isEqualTo(5);
        assertThat(got).hasSize(5).allSatisfy(r -> {
            assertThat(r.webhookId()).as("one webhook-id across retries").isEqualTo(alert.id().toString());
            assertThat(r.verifiedWith()).containsExactly(endpoint.path("secret").asText());
        });
        assertThat(Duration.between(got.get(2).at(), got.get(3).at())).as("Retry-After: 2 over a 300 ms step")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isLessThan(Duration.ofMillis(1500));
        assertThat(Duration.between(got.get(3).at(), got.get(4).at())).as("the timeout ended the 4th attempt")
                .isGreaterThanOrEqualTo(Duration.ofMillis(1200)).isLessThan(Duration.ofMillis(2400));
        assertThat(count("retried") - retried).isEqualTo(4);
    }

    @Test
    void gone410_disablesTheEndpoint_deadLettersItsDeliveries_replayedOnceEnabled() throws Exception {
        JsonNode endpoint = createEndpoint("gone", Map.of());
        String id = id(endpoint);
        receiver.script("gone", Answer.status(410));
        double disabled = count("disabled");
        AlertNotice first = alert("gone");
        AlertNotice second = alert("gone");
        raise(first, second);

        JsonNode dead = awaitDelivery(first, id, "DEAD");
        awaitDelivery(second, id, "DEAD");
        assertThat(receiver.received("gone")).as("nothing more was sent after the 410").hasSize(1);
        assertThat(dead.path("reason").asText()).contains("410");
        JsonNode gone = ok(call("GET", "/admin/webhooks/endpoints/" + id, null));
        assertThat(gone.path("state").asText()).isEqualTo("GONE");
        assertThat(gone.path("stateReason").asText()).contains("410");
        assertThat(count("disabled") - disabled).isEqualTo(2);
        List<String> deadIds = ids(ok(call("GET", "/admin/webhooks/deliveries?state=dead&endpoint=" + id, null)));
        assertThat(deadIds).hasSize(2);

        AlertNotice later = alert("gone");
        raise(later);
        assertThat(deliveriesOf(later, id)).as("a gone endpoint gets nothing new").isEmpty();
        assertThat(call("POST", "/admin/webhooks/deliveries/" + deadIds.get(0) + "/replay", null).statusCode())
                .as("replay refused while the endpoint is gone").isEqualTo(409);

        assertThat(ok(call("PATCH", "/admin/webhooks/endpoints/" + id, Map.of("enabled", true)))
                .path("state").asText()).isEqualTo("ENABLED");
        for (String delivery : deadIds) {
            JsonNode replayed = ok(call("POST", "/admin/webhooks/deliveries/" + delivery + "/replay", null));
            assertThat(replayed.path("state").asText()).isEqualTo("PENDING");
            assertThat(replayed.path("attempts").asInt()).isZero();
        }
        awaitDelivery(first, id, "DELIVERED");
        awaitDelivery(second, id, "DELIVERED");
        assertThat(awaitReceived("gone", 3)).extracting(WebhookReceiver.Received::webhookId)
                .containsExactlyInAnyOrder(first.id().toString(), first.id().toString(), second.id().toString());
    }

    @Test
    void noSuccessByTheLastAttempt_deadLettered_listed_thenReplayed() throws Exception {
        String endpoint = id(createEndpoint("down", Map.of()));
        receiver.script("down", Answer.status(500), Answer.status(500), Answer.status(500), Answer.status(500),
                Answer.status(500), Answer.status(502), Answer.status(500));
        double deadBefore = count("dead");
        AlertNotice alert = alert("down");
        raise(alert);

        JsonNode dead = awaitDelivery(alert, endpoint, "DEAD");
        assertThat(dead.path("attempts").asInt()).isEqualTo(7);
        assertThat(dead.path("lastStatus").asInt()).isEqualTo(500);
        assertThat(dead.path("reason").asText()).isEqualTo("no 2xx after 7 attempts");
        assertThat(count("dead") - deadBefore).isEqualTo(1);
        List<String> listed = ids(ok(call("GET", "/admin/webhooks/deliveries?state=dead", null)));
        assertThat(listed).contains(dead.path("id").asText());
        assertThat(call("POST", "/admin/webhooks/deliveries/" + dead.path("id").asText() + "/replay", null)
                .statusCode()).isEqualTo(200);
        assertThat(call("POST", "/admin/webhooks/deliveries/" + dead.path("id").asText() + "/replay", null)
                .statusCode()).as("replayed already: not dead").isEqualTo(409);

        JsonNode delivered = awaitDelivery(alert, endpoint, "DELIVERED");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivered.path("replayedAt").isNull()).isFalse();
        assertThat(awaitReceived("down", 8)).extracting(WebhookReceiver.Received::webhookId)
                .containsOnly(alert.id().toString());
        assertThat(call("POST", "/admin/webhooks/deliveries/99999999/replay", null).statusCode()).isEqualTo(404);
    }

    /**
     * A replica holding a delivery (its row locked, as during a send) keeps every other worker from sending it; when
     * that replica dies (its PostgreSQL connection killed, as by {@code kill -9}), the delivery is sent by another.
     */
    @Test
    void aDeliveryHeldByADyingReplica_isNotSentMeanwhile_thenSentOnce() throws Exception {
        String endpoint = id(createEndpoint("held", Map.of()));
        int endpointLock = UUID.fromString(endpoint).hashCode();
        AlertNotice alert = alert("held");
        try (Connection replica = dataSource.getConnection()) {
            // The endpoint's lock first, so that no worker takes the delivery between its commit and the row lock.
            query(replica, "SELECT pg_advisory_lock(" + DeliveryStore.LOCK_NAMESPACE + ", " + endpointLock + ")");
            raise(alert);
            replica.setAutoCommit(false);
            query(replica, "SELECT id FROM webhook_delivery WHERE alert_id = '" + alert.id() + "' FOR UPDATE");
            // Only the row lock is left: the workers can take the endpoint, not the delivery.
            query(replica, "SELECT pg_advisory_unlock(" + DeliveryStore.LOCK_NAMESPACE + ", " + endpointLock + ")");
            int pid = Integer.parseInt(query(replica, "SELECT pg_backend_pid()"));
            Thread.sleep(1500);
            assertThat(receiver.received("held")).as("not sent while another replica holds it").isEmpty();

            try (Connection killer = dataSource.getConnection()) {
                query(killer, "SELECT pg_terminate_backend(" + pid + ")");
            }
        } catch (SQLException closedByTheKill) {
            // Closing the killed connection: what a dead replica leaves behind.
        }
        JsonNode delivered = awaitDelivery(alert, endpoint, "DELIVERED");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        Thread.sleep(600);
        assertThat(receiver.received("held")).hasSize(1);
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("deliveries").forEach(d -> ids.add(d.path("id").asText()));
        return ids;
    }

    private double count(String outcome) {
        return metrics.counter("vitalwire.ingest.webhooks.deliveries", "outcome", outcome).count();
    }
}
