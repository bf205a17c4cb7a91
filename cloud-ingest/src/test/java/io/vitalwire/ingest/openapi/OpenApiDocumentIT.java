package io.vitalwire.ingest.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.uri.UriMatchTemplate;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.TestTokens;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The admin API's OpenAPI document, as the running service serves it, describes every admin route the service
 * answers — so a new endpoint without its description fails here — each with a summary a reader can go by, an
 * operation id of its own, the schema of its JSON answers, an example of its request body (which parses) and the
 * bearer scheme; and it is served to admin roles only.
 */
@MicronautTest
class OpenApiDocumentIT extends StackTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final TestTokens tokens = TestTokens.shared();

    @Inject
    Router router;

    OpenApiDocumentIT() {
        super("gw-openapi");
    }

    @Test
    void theDocument_isServedToAdminRolesOnly() throws Exception {
        assertThat(get(null).statusCode()).isEqualTo(401);
        assertThat(get(tokens.bearer("prometheus", "metrics")).statusCode()).isEqualTo(403);
        HttpResponse<String> served = get(tokens.bearer("ann", "auditor"));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/yaml"));
        assertThat(served.body()).startsWith("openapi: 3.");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAdminRoute_isDescribed_withASummary_andItsOwnOperationId() throws Exception {
        Map<String, Object> document = new Yaml().load(get(tokens.bearer("ann", "auditor")).body());
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
        assertThat((Map<String, Object>) ((Map<String, Object>) document.get("components")).get("securitySchemes"))
                .containsKey("bearer");

        List<String> undescribed = new ArrayList<>();
        int admin = 0;
        for (UriRouteInfo<?, ?> route : router.uriRoutes().toList()) {
            String template = template(route.getUriMatchTemplate());
            if (!template.startsWith("/admin")) {
                continue;
            }
            admin++;
            String method = route.getHttpMethodName().toLowerCase(Locale.ROOT);
            // Micronaut answers HEAD wherever it answers GET (RFC 9110: the same, without the body).
            method = method.equals("head") ? "get" : method;
            if (!paths.containsKey(template) || !paths.get(template).containsKey(method)) {
                undescribed.add(method.toUpperCase(Locale.ROOT) + " " + template);
            }
        }
        assertThat(admin).as("admin routes found").isGreaterThan(25);
        assertThat(undescribed).as("admin routes the document does not describe").isEmpty();

        Set<String> operationIds = new HashSet<>();
        List<String> unsummarised = new ArrayList<>();
        List<String> untyped = new ArrayList<>();
        List<String> unexampled = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            Map<String, Object> op = (Map<String, Object>) operation;
            assertThat(operationIds.add((String) op.get("operationId"))).as("operation id of " + method + " "
                    + path + " is its own").isTrue();
            if (op.get("summary") == null || ((String) op.get("summary")).isBlank()) {
                unsummarised.add(method.toUpperCase(Locale.ROOT) + " " + path);
            }
            Map<String, Object> body = (Map<String, Object>) op.get("requestBody");
            if (body != null) {
                Map<String, Object> json = ((Map<String, Map<String, Object>>) body.get("content"))
                        .get("application/json");
                if (json == null || !(json.get("examples") instanceof Map<?, ?> examples) || examples.isEmpty()) {
                    unexampled.add(method.toUpperCase(Locale.ROOT) + " " + path);
                } else {
                    // Micronaut OpenAPI writes a JSON example as structured YAML; a string left would be malformed.
                    examples.values().forEach(e -> assertThat(((Map<String, Object>) e).get("value"))
                            .as("example of " + method + " " + path).isInstanceOf(Map.class));
                }
            }
            Map<String, Object> responses = (Map<String, Object>) op.get("responses");
            assertThat(responses).as(method + " " + path).isNotEmpty();
            responses.forEach((status, response) -> {
                Map<String, Object> content = (Map<String, Object>) ((Map<String, Object>) response).get("content");
                if (status.startsWith("2") && content != null && content.containsKey("application/json")
                        && !typed(((Map<String, Map<String, Object>>) content.get("application/json")).get("schema"))) {
                    untyped.add(method.toUpperCase(Locale.ROOT) + " " + path + " " + status);
                }
            });
        }));
        assertThat(unsummarised).as("operations without a summary (the method's Javadoc)").isEmpty();
        assertThat(untyped).as("JSON answers without their schema (a bare object says nothing)").isEmpty();
        assertThat(unexampled).as("request bodies without an example").isEmpty();
    }

    /** A schema naming its type ({@code $ref}), or an array of such. */
    @SuppressWarnings("unchecked")
    private static boolean typed(Map<String, Object> schema) {
        if (schema == null) {
            return false;
        }
        if (schema.containsKey("$ref")) {
            return true;
        }
        return "array".equals(schema.get("type")) && typed((Map<String, Object>) schema.get("items"));
    }

    /** The route's URI template without its query part ({@code /admin/alerts{?patient,state}}), as OpenAPI names it. */
    private static String template(UriMatchTemplate uri) {
        String t = uri.toString();
        int query = t.indexOf("{?");
        return query < 0 ? t : t.substring(0, query);
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getURL() + "/admin/openapi.yml"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
