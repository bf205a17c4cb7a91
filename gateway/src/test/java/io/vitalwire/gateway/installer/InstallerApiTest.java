package io.vitalwire.gateway.installer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The hub's local API behind the pairing page, over HTTP on the running server (BLE off here; pairing through
 * BlueZ is device-sims' PairingPageIT): the code unlocks a session, nothing else answers without one, wrong codes lock
 * the address out, the page's protections are on every answer, and the OpenAPI document describes every route, with
 * an example of each JSON answer.
 */
class InstallerApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODE = "7KQ2M-XR4PD";
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path dir;

    @Test
    void theCode_opensASession_withoutWhichNothingAnswers() throws Exception {
        try (EmbeddedServer server = start(Map.of())) {
            assertThat(send(server, "GET", "/installer/api/hub", null, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "POST", "/installer/api/scan", null, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/installer/api/openapi.yml", null, null).statusCode()).isEqualTo(401);
            assertThat(send(server, "GET", "/installer/api/hub", null, "vw_installer=forged").statusCode())
                    .isEqualTo(401);

            HttpResponse<String> unlocked = send(server, "POST", "/installer/api/session", "{\"code\":\"7kq2m xr4pd\"}",
                    null);
            assertThat(unlocked.statusCode()).isEqualTo(204);
            String setCookie = unlocked.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).containsIgnoringCase("HttpOnly")
                    .containsIgnoringCase("SameSite=Strict").contains("Path=/installer");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            HttpResponse<String> hub = send(server, "GET", "/installer/api/hub", null, cookie);
            assertThat(hub.statusCode()).isEqualTo(200);
            JsonNode view = JSON.readTree(hub.body());
            assertThat(view.get("gateway").asText()).startsWith("gw-installer-");
            assertThat(view.get("uplink").asText()).isEqualTo("connecting"); // no broker here
            assertThat(view.get("unsent").asLong()).isZero();
            assertThat(view.get("ble").get("enabled").asBoolean()).isFalse();

            JsonNode devices = JSON.readTree(send(server, "GET", "/installer/api/devices", null, cookie).body());
            assertThat(devices.get("bleEnabled").asBoolean()).isFalse();
            assertThat(send(server, "POST", "/installer/api/scan", null, cookie).statusCode()).isEqualTo(409);
            assertThat(send(server, "POST", "/installer/api/devices/C0:1D:00:00:00:02/pair", "{\"passkey\":\"12\"}",
                    cookie).statusCode()).isEqualTo(400);

            // Locked again: the cookie is worth nothing.
            assertThat(send(server, "DELETE", "/installer/api/session", null, cookie).statusCode()).isEqualTo(204);
            assertThat(send(server, "GET", "/installer/api/hub", null, cookie).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void wrongCodes_countDown_thenLockTheAddressOut_evenForTheRightCode() throws Exception {
        try (EmbeddedServer server = start(Map.of("vitalwire.gateway.installer.max-failures", "3",
                "vitalwire.gateway.installer.lockout", "10m"))) {
            HttpResponse<String> first = send(server, "POST", "/installer/api/session", "{\"code\":\"AAAAA-AAAAA\"}",
                    null);
            assertThat(first.statusCode()).isEqualTo(401);
            assertThat(JSON.readTree(first.body()).get("attemptsLeft").asInt()).isEqualTo(2);
            send(server, "POST", "/installer/api/session", "{\"code\":\"AAAAA-AAAAB\"}", null);
            HttpResponse<String> third = send(server, "POST", "/installer/api/session", "{}", null);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("Retry-After")).contains("600");

            HttpResponse<String> right = send(server, "POST", "/installer/api/session",
                    "{\"code\":\"" + CODE + "\"}", null);
            assertThat(right.statusCode()).isEqualTo(429);
            assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(JSON.readTree(right.body()).get("retryAfterSeconds").asLong()).isBetween(590L, 600L);
        }
    }

    @Test
    void thePage_isServed_withItsProtections_andTheHubsAddressLeadsToIt() throws Exception {
        try (EmbeddedServer server = start(Map.of())) {
            HttpResponse<String> root = send(server, "GET", "/", null, null);
            assertThat(root.statusCode()).isEqualTo(303);
            assertThat(root.headers().firstValue("Location")).contains("/installer/index.html");

            HttpResponse<String> page = send(server, "GET", "/installer/index.html", null, null);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("installer code printed on the label").contains("installer.js");
            assertThat(page.headers().firstValue("Content-Security-Policy"))
                    .contains(InstallerHeadersFilter.CONTENT_SECURITY_POLICY);
            assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(send(server, "GET", "/installer/installer.js", null, null).body()).contains("textContent");
            HttpResponse<String> refused = send(server, "GET", "/installer/api/hub", null, null);
            assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
            // No way out of the page's directory to other classpath resources.
            for (String escape : new String[] {"/installer/../application.yml", "/installer/%2e%2e/application.yml",
                "/installer/..%2fapplication.yml", "/installer/%2e%2e%2flogback.xml"}) {
                HttpResponse<String> answer = send(server, "GET", escape, null, null);
                assertThat(answer.body()).as(escape).doesNotContain("vitalwire:").doesNotContain("<configuration");
            }
            // Health still answers on loopback (the home network gets only the page: LoopbackManagementFilterTest).
            assertThat(send(server, "GET", "/health", null, null).statusCode()).isIn(200, 503);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocument_describesEveryRouteOfTheLocalApi() throws Exception {
        try (EmbeddedServer server = start(Map.of())) {
            String cookie = unlock(server);
            HttpResponse<String> answer = send(server, "GET", "/installer/api/openapi.yml", null, cookie);
            assertThat(answer.statusCode()).isEqualTo(200);
            String document = answer.body();

            Set<String> routes = new TreeSet<>();
            for (UriRouteInfo<?, ?> route : server.getApplicationContext().getBean(Router.class).uriRoutes()
                    .toList()) {
                String path = route.getUriMatchTemplate().toPathString();
                // HEAD routes are Micronaut's own, one per GET.
                if (path.startsWith("/installer/api/") && !path.endsWith("openapi.yml")
                        && !route.getHttpMethodName().equals("HEAD")) {
                    routes.add(route.getHttpMethodName().toLowerCase() + " " + path);
                }
            }
            assertThat(routes).hasSizeGreaterThanOrEqualTo(6);
            Map<String, Map<String, Map<String, Object>>> paths = (Map<String, Map<String, Map<String, Object>>>)
                    new Yaml().<Map<String, Object>>load(document).get("paths");
            List<String> unexampled = new ArrayList<>();
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1);
                assertThat(paths).as("the document describes " + path).containsKey(path);
                Map<String, Object> operation = paths.get(path).get(method);
                assertThat(operation).as(route).isNotNull().containsKey("summary");
                ((Map<String, Map<String, Object>>) operation.get("responses")).forEach((status, response) -> {
                    Map<String, Object> json = response.get("content") == null ? null
                            : ((Map<String, Map<String, Object>>) response.get("content")).get("application/json");
                    if (status.startsWith("2") && json != null) {
                        if (!(json.get("examples") instanceof Map<?, ?> examples) || examples.isEmpty()) {
                            unexampled.add(route + " " + status);
                        } else {
                            // Micronaut OpenAPI writes a JSON example as structured YAML; a string left is malformed.
                            examples.values().forEach(e -> assertThat(((Map<String, Object>) e).get("value"))
                                    .as("example of " + route + " " + status).isInstanceOf(Map.class));
                        }
                    }
                });
            }
            assertThat(unexampled).as("JSON answers without an example").isEmpty();
            assertThat(document).contains("InstallerViews.Hub").contains("InstallerViews.Device");
        }
    }

    private EmbeddedServer start(Map<String, Object> extra) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data-" + UUID.randomUUID()));
        Files.writeString(data.resolve("installer-code"), CODE + "\n");
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                "vitalwire.gateway.id", "gw-installer-" + UUID.randomUUID().toString().substring(0, 8),
                "vitalwire.gateway.tenant", "test",
                "vitalwire.gateway.data-dir", data.toString(),
                "vitalwire.gateway.coap.enabled", "false",
                "vitalwire.gateway.installer.enabled", "true",
                "micronaut.server.port", "-1",
                "vitalwire.gateway.uplink.broker-url", "tcp://127.0.0.1:9",
                "vitalwire.gateway.uplink.max-backoff", "1s"));
        properties.putAll(extra);
        return ApplicationContext.run(EmbeddedServer.class, properties);
    }

    private String unlock(EmbeddedServer server) throws Exception {
        HttpResponse<String> unlocked = send(server, "POST", "/installer/api/session", "{\"code\":\"" + CODE + "\"}",
                null);
        assertThat(unlocked.statusCode()).isEqualTo(204);
        String setCookie = unlocked.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> send(EmbeddedServer server, String method, String path, String json, String cookie)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
