package io.vitalwire.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admin API asks who is calling, over real HTTP with tokens of the test's issuer: no token, another issuer, an
 * expired token or another key's signature answer 401; a role that may not do it 403; the right role gets through,
 * and every write it makes is audited under its subject. /health stays open; /prometheus wants the metrics role.
 */
@MicronautTest
class AdminAuthIT extends StackTest {

    private static final String QUARANTINE = "/admin/quarantine";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final TestTokens tokens = TestTokens.shared();

    AdminAuthIT() {
        super("gw-auth");
    }

    @Test
    void aRequestWithoutAValidToken_isRefusedWith401() throws Exception {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        assertThat(get(QUARANTINE, null).statusCode()).isEqualTo(401);
        assertThat(get(QUARANTINE, "Bearer " + tokens.token("https://elsewhere.example.org", "mallory", later,
                List.of("operator"))).statusCode()).as("another issuer").isEqualTo(401);
        assertThat(get(QUARANTINE, "Bearer " + tokens.token(TestTokens.ISSUER, "alice",
                Instant.now().minus(Duration.ofMinutes(5)), List.of("operator"))).statusCode()).as("expired")
                .isEqualTo(401);
        assertThat(get(QUARANTINE, TestTokens.untrusted().bearer("mallory", "operator")).statusCode())
                .as("signed by a key the issuer's JWKS does not hold").isEqualTo(401);
        assertThat(get(QUARANTINE, "Bearer not-a-jwt").statusCode()).isEqualTo(401);
        assertThat(send("POST", QUARANTINE + "/replay?device=X", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aRoleThatMayNotDoIt_isRefusedWith403() throws Exception {
        assertThat(send("POST", QUARANTINE + "/replay?device=X", tokens.bearer("ann", "auditor")).statusCode())
                .isEqualTo(403);
        assertThat(send("POST", QUARANTINE + "/replay?device=X", tokens.bearer("cat", "clinical-admin"))
                .statusCode()).isEqualTo(403);
        assertThat(put("/admin/rules/tenants/" + TENANT, "{\"overrides\": {}}", tokens.bearer("oscar", "operator"))
                .statusCode()).isEqualTo(403);
        assertThat(send("POST", "/admin/alerts/" + java.util.UUID.randomUUID() + "/acknowledge",
                tokens.bearer("oscar", "operator")).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/admin/webhooks/endpoints", tokens.bearer("oscar", "operator")).statusCode())
                .isEqualTo(403);
        assertThat(get(QUARANTINE, tokens.bearer("prometheus", "metrics")).statusCode())
                .as("a scraper's token opens no admin route").isEqualTo(403);
        assertThat(get(QUARANTINE, tokens.bearer("nobody")).statusCode()).isEqualTo(403);
    }

    @Test
    void theRightRole_getsThrough() throws Exception {
        for (String role : List.of("auditor", "operator", "clinical-admin")) {
            assertThat(get(QUARANTINE, tokens.bearer("reader", role)).statusCode()).as(role).isEqualTo(200);
            assertThat(get("/admin/alerts", tokens.bearer("reader", role)).statusCode()).as(role).isEqualTo(200);
        }
        assertThat(send("POST", QUARANTINE + "/replay?device=SN-AUTH-" + run, tokens.bearer("oscar", "operator"))
                .statusCode()).isEqualTo(200);
        assertThat(put("/admin/rules/tenants/auth-" + run, "{\"overrides\": {}}", tokens.bearer("cat",
                "clinical-admin")).statusCode()).isEqualTo(200);
    }

    @Test
    void everyWrite_isAuditedWithItsSubject_andNoReadIs() throws Exception {
        String subject = "alice-" + run;
        String device = "SN-AUDIT-" + run;
        get(QUARANTINE + "?device=" + device, tokens.bearer(subject, "operator"));
        assertThat(send("POST", QUARANTINE + "/replay?device=" + device, tokens.bearer(subject, "operator"))
                .statusCode()).isEqualTo(200);
        assertThat(put("/admin/rules/tenants/bad%20tenant", "{}", tokens.bearer(subject, "clinical-admin"))
                .statusCode()).isEqualTo(400);

        JsonNode entries = json.readTree(get("/admin/audit?subject=" + subject, tokens.bearer("ann", "auditor"))
                .body()).get("entries");
        assertThat(entries).hasSize(2);
        JsonNode replay = entries.get(1);
        assertThat(replay.get("subject").asText()).isEqualTo(subject);
        assertThat(replay.get("method").asText()).isEqualTo("POST");
        assertThat(replay.get("path").asText()).isEqualTo(QUARANTINE + "/replay");
        assertThat(replay.get("query").asText()).isEqualTo("device=" + device);
        assertThat(replay.get("status").asInt()).isEqualTo(200);
        assertThat(replay.get("roles").toString()).contains("operator");
        assertThat(replay.get("at").asText()).isNotBlank();
        assertThat(entries.get(0).get("method").asText()).isEqualTo("PUT");
        assertThat(entries.get(0).get("status").asInt()).isEqualTo(400);
        assertThat(get("/admin/audit", tokens.bearer("prometheus", "metrics")).statusCode()).isEqualTo(403);
    }

    @Test
    void health_isOpen_andPrometheus_wantsTheMetricsRole() throws Exception {
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/prometheus", tokens.bearer("ann", "auditor")).statusCode()).isEqualTo(403);
        HttpResponse<String> scraped = get("/prometheus", tokens.bearer("prometheus", "metrics"));
        assertThat(scraped.statusCode()).isEqualTo(200);
        assertThat(scraped.body()).contains("jvm_memory_used_bytes");
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return send("GET", path, authorization);
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body, String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.getURL() + path))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
