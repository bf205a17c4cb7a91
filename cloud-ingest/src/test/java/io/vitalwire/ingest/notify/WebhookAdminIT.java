package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.db.Jdbc;
import jakarta.inject.Inject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The endpoints' admin API on the dev stack, with a real receiver verifying with Standard Webhooks' library: a
 * secret shown once and stored encrypted; rotation (both secrets verify during the overlap, shortened to 2 s, then
 * only the new one); filters by tenant, kind and severity; pausing, deleting; the escalation event. The retry
 * schedule is the default one (checked).
 */
@MicronautTest
class WebhookAdminIT extends WebhookStackTest {

    @Inject
    NotifyConfig config;

    @Override
    protected Map<String, String> webhookProperties() {
        return Map.of("vitalwire.ingest.notify.secret-overlap", "2s");
    }

    @Test
    void defaults_areStandardWebhooksSchedule_and15sTimeout() {
        assertThat(config.getRetryDelays()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5),
                Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
                Duration.ofHours(14), Duration.ofHours(20), Duration.ofHours(24));
        assertThat(config.getTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.getRetryJitter()).isEqualTo(0.2);
        assertThat(config.getWorkers()).isEqualTo(2);
    }

    @Test
    void create_showsTheSecretOnce_storesItEncrypted_listsNone() throws Exception {
        JsonNode created = createEndpoint("shown", Map.of("kinds", List.of("clinical"), "minSeverity", "critical"));
        String secret = created.path("secret").asText();
        String id = created.path("endpoint").path("id").asText();
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(created.path("endpoint").path("state").asText()).isEqualTo("ENABLED");
        assertThat(created.path("endpoint").path("filters").path("minSeverity").asText()).isEqualTo("critical");

        String listed = call("GET", "/admin/webhooks/endpoints", null).body();
        String one = call("GET", "/admin/webhooks/endpoints/" + id, null).body();
        assertThat(listed).contains(id).doesNotContain(secret.substring("whsec_".length()));
        assertThat(one).contains(id).doesNotContain(secret.substring("whsec_".length()));
        assertThat(json.readTree(one).path("secrets")).hasSize(1);

        byte[] plain = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        List<byte[]> sealed = sealedSecrets(id);
        assertThat(sealed).hasSize(1);
        assertThat(Base64.getEncoder().encodeToString(sealed.get(0)))
                .doesNotContain(Base64.getEncoder().encodeToString(plain).substring(0, 20));
        assertThat(new String(sealed.get(0), StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(plain, StandardCharsets.ISO_8859_1));
        Path keyFile = keyDir.resolve("webhook-secret.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    }

    @Test
    void create_withTheReceiversSecret_signsWithIt() throws Exception {
        String chosen = SigningSecret.generate().text();
        JsonNode created = createEndpoint("chosen", Map.of("secret", chosen));
        assertThat(created.path("secret").asText()).isEqualTo(chosen);
        raise(alert("chosen"));
        assertThat(awaitReceived("chosen", 1).get(0).verifiedWith()).containsExactly(chosen);
    }

    @Test
    void create_refusesWhatCannotBeAnEndpoint() throws Exception {
        String badSecret = "whsec_" + Base64.getEncoder().encodeToString(new byte[10]);
        List<Map<String, Object>> refused = List.of(
                Map.of("url", "http://clinic.example.org/hooks"),
                Map.of("url", "ftp://127.0.0.1/hooks"),
                Map.of("url", "https://user:pw@clinic.example.org/hooks"),
                Map.of("url", "not a url"),
                Map.of("url", "https://clinic.example.org/hooks", "kinds", List.of("billing")),
                Map.of("url", "https://clinic.example.org/hooks", "minSeverity", "info"),
                Map.of("url", "https://clinic.example.org/hooks", "tenants", List.of("a b")),
                Map.of("url", "https://clinic.example.org/hooks", "secret", badSecret));
        for (Map<String, Object> body : refused) {
            HttpResponse<String> answer = call("POST", "/admin/webhooks/endpoints", body);
            assertThat(answer.statusCode()).as(body.toString()).isEqualTo(400);
            assertThat(answer.body()).doesNotContain(badSecret.substring(6));
        }
        // Of a tenant nobody raises alerts for: nothing is sent to the unreachable host.
        assertThat(call("POST", "/admin/webhooks/endpoints", Map.of("url", "https://clinic.example.org/hooks",
                "tenants", List.of("nobody-" + run))).statusCode()).isEqualTo(201);
        assertThat(call("PATCH", "/admin/webhooks/endpoints/nope", Map.of()).statusCode()).isEqualTo(400);
        assertThat(call("PATCH", "/admin/webhooks/endpoints/" + UUID.randomUUID(), Map.of()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void rotation_bothSecretsSignDuringTheOverlap_thenOnlyTheNewOne() throws Exception {
        JsonNode created = createEndpoint("rotated", Map.of());
        String id = id(created);
        String old = created.path("secret").asText();
        String fresh = rotate(id);
        receiver.secrets("rotated", old, fresh);
        assertThat(ok(call("GET", "/admin/webhooks/endpoints/" + id, null)).path("secrets")).hasSize(2);

        raise(alert("rotated"));
        WebhookReceiver.Received during = awaitReceived("rotated", 1).get(0);
        assertThat(during.signature().split(" ")).hasSize(2);
        assertThat(during.verifiedWith()).containsExactlyInAnyOrder(old, fresh);

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode secrets = ok(call("GET", "/admin/webhooks/endpoints/" + id, null)).path("secrets");
            return secrets.size() == 1;
        });
        raise(alert("rotated"));
        WebhookReceiver.Received after = awaitReceived("rotated", 2).get(1);
        assertThat(after.signature().split(" ")).hasSize(1);
        assertThat(after.verifiedWith()).containsExactly(fresh);
    }

    @Test
    void filters_chooseTheEndpointsByTenantKindAndSeverity() throws Exception {
        // Tenants of this test only: "every tenant" also takes the other tests' alerts, raised after this one's.
        String acme = "acme-" + run;
        String zenith = "zenith-" + run;
        createEndpoint("f-all", Map.of("tenants", List.of()));
        createEndpoint("f-acme", Map.of("tenants", List.of(acme)));
        createEndpoint("f-ops", Map.of("tenants", List.of(), "kinds", List.of("operations")));
        createEndpoint("f-critical", Map.of("tenants", List.of(), "minSeverity", "critical"));
        createEndpoint("f-acme-clinical-critical", Map.of("tenants", List.of(acme, zenith),
                "kinds", List.of("clinical"), "minSeverity", "critical"));
        AlertNotice acmeWarning = alert(acme, "clinical", "warning", "k-" + run + "-1");
        AlertNotice otherCritical = alert("other-" + run, "clinical", "critical", "k-" + run + "-2");
        AlertNotice acmeOps = alert(acme, "operations", "warning", null);
        AlertNotice acmeCritical = alert(acme, "clinical", "critical", "k-" + run + "-3");
        raise(acmeWarning, otherCritical, acmeOps, acmeCritical);

        Map<String, Set<AlertNotice>> expected = Map.of(
                "f-all", Set.of(acmeWarning, otherCritical, acmeOps, acmeCritical),
                "f-acme", Set.of(acmeWarning, acmeOps, acmeCritical),
                "f-ops", Set.of(acmeOps),
                "f-critical", Set.of(otherCritical, acmeCritical),
                "f-acme-clinical-critical", Set.of(acmeCritical));
        for (Map.Entry<String, Set<AlertNotice>> e : expected.entrySet()) {
            awaitReceived(e.getKey(), e.getValue().size());
        }
        Thread.sleep(800);
        Set<String> raised = Set.of(acmeWarning.id().toString(), otherCritical.id().toString(),
                acmeOps.id().toString(), acmeCritical.id().toString());
        for (Map.Entry<String, Set<AlertNotice>> e : expected.entrySet()) {
            assertThat(receiver.received(e.getKey()).stream().filter(r -> raised.contains(r.webhookId())))
                    .as(e.getKey())
                    .allSatisfy(r -> assertThat(r.verifiedWith()).hasSize(1))
                    .extracting(WebhookReceiver.Received::webhookId)
                    .containsExactlyInAnyOrderElementsOf(e.getValue().stream().map(a -> a.id().toString())
                            .collect(Collectors.toList()));
        }
        JsonNode ops = json.readTree(receiver.received("f-ops").get(0).body()).path("data");
        assertThat(ops.path("kind").asText()).isEqualTo("operations");
        assertThat(ops.path("patient").isNull()).isTrue();
        assertThat(ops.path("observation").isNull()).isTrue();
    }

    @Test
    void patch_changesFilters_pausesAndResumes() throws Exception {
        String id = id(createEndpoint("paused", Map.of()));
        JsonNode patched = ok(call("PATCH", "/admin/webhooks/endpoints/" + id,
                Map.of("enabled", false, "tenants", List.of("paused", "paused-too"))));
        assertThat(patched.path("state").asText()).isEqualTo("DISABLED");
        assertThat(patched.path("filters").path("tenants")).extracting(JsonNode::asText)
                .containsExactly("paused", "paused-too");
        assertThat(patched.path("filters").path("minSeverity").asText()).as("unchanged").isEqualTo("warning");

        AlertNotice whilePaused = alert("paused");
        raise(whilePaused);
        assertThat(deliveriesOf(whilePaused, id)).as("not queued for a paused endpoint").isEmpty();

        assertThat(ok(call("PATCH", "/admin/webhooks/endpoints/" + id, Map.of("enabled", true))).path("state")
                .asText()).isEqualTo("ENABLED");
        AlertNotice resumed = alert("paused-too");
        AlertNotice otherTenant = alert("not-paused-" + run);
        raise(resumed, otherTenant);
        awaitDelivery(resumed, id, "DELIVERED");
        assertThat(deliveriesOf(otherTenant, id)).as("filtered out").isEmpty();
        assertThat(receiver.received("paused")).extracting(WebhookReceiver.Received::webhookId)
                .containsExactly(resumed.id().toString());
    }

    @Test
    void delete_deadLettersWhatWasPending_erasesTheSecrets_keepsTheDeliveriesListed() throws Exception {
        String id = id(createEndpoint("deleted", Map.of()));
        // A 503 leaves the delivery pending for the default schedule's first step (5 s ± 20 %).
        receiver.script("deleted", WebhookReceiver.Answer.status(503));
        AlertNotice alert = alert("deleted");
        raise(alert);
        await().atMost(Duration.ofSeconds(5)).until(() -> deliveriesOf(alert, id).size() == 1
                && deliveriesOf(alert, id).get(0).path("attempts").asInt() == 1);
        JsonNode pending = deliveriesOf(alert, id).get(0);
        assertThat(pending.path("state").asText()).isEqualTo("PENDING");

        JsonNode deleted = ok(call("DELETE", "/admin/webhooks/endpoints/" + id, null));
        assertThat(deleted.path("deadLettered").asInt()).isEqualTo(1);
        JsonNode dead = awaitDelivery(alert, id, "DEAD");
        assertThat(dead.path("id").asLong()).isEqualTo(pending.path("id").asLong());
        assertThat(dead.path("reason").asText()).isEqualTo("the endpoint was deleted");
        assertThat(call("GET", "/admin/webhooks/endpoints/" + id, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/admin/webhooks/endpoints", null).body()).doesNotContain(id);
        assertThat(call("DELETE", "/admin/webhooks/endpoints/" + id, null).statusCode()).isEqualTo(404);
        assertThat(sealedSecrets(id)).isEmpty();
        assertThat(call("POST", "/admin/webhooks/deliveries/" + dead.path("id").asText() + "/replay", null)
                .statusCode()).isEqualTo(409);
        Thread.sleep(6500);
        assertThat(receiver.received("deleted")).as("nothing sent after the deletion").hasSize(1);
    }

    @Test
    void escalated_isItsOwnEvent_withItsOwnStableWebhookId() throws Exception {
        createEndpoint("escalated", Map.of("minSeverity", "critical"));
        AlertNotice alert = alert("escalated");
        raise(alert);
        awaitReceived("escalated", 1);
        Jdbc.inTransaction(dataSource, c -> {
            notifier.escalated(c, alert);
            notifier.escalated(c, alert);
            return null;
        });
        notifier.wake();
        List<WebhookReceiver.Received> got = awaitReceived("escalated", 2);
        Thread.sleep(600);
        assertThat(receiver.received("escalated")).hasSize(2);
        assertThat(got.get(1).webhookId()).isEqualTo(WebhookEvent.ESCALATED.webhookId(alert.id()))
                .isNotEqualTo(alert.id().toString());
        assertThat(got.get(1).verifiedWith()).hasSize(1);
        JsonNode body = json.readTree(got.get(1).body());
        assertThat(body.path("type").asText()).isEqualTo("alert.escalated");
        assertThat(body.path("data").path("alertId").asText()).isEqualTo(alert.id().toString());
    }

    private List<byte[]> sealedSecrets(String endpoint) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT sealed FROM webhook_secret WHERE endpoint_id = "
                     + "?::uuid")) {
            select.setString(1, endpoint);
            List<byte[]> sealed = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    sealed.add(rs.getBytes(1));
                }
            }
            return sealed;
        }
    }
}
