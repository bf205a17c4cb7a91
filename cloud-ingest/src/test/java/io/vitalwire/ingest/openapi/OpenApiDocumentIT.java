package io.vitalwire.ingest.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * operation id of its own, the schema and an example of its JSON answers, an example of its request body (examples
 * parse) and the bearer scheme; and it is served to admin roles only.
 */
@MicronautTest
class OpenApiDocumentIT extends StackTest {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        List<String> unexampledAnswers = new ArrayList<>();
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
                if (!status.startsWith("2") || content == null || !content.containsKey("application/json")) {
                    return;
                }
                Map<String, Object> json = (Map<String, Object>) content.get("application/json");
                String answer = method.toUpperCase(Locale.ROOT) + " " + path + " " + status;
                if (!typed((Map<String, Object>) json.get("schema"))) {
                    untyped.add(answer);
                }
                List<Object> values = answerExamples(json);
                if (values.isEmpty()) {
                    unexampledAnswers.add(answer);
                }
                values.forEach(v -> assertThat(parses(v)).as("example of " + answer + " parses: " + v).isTrue());
            });
        }));
        assertThat(unsummarised).as("operations without a summary (the method's Javadoc)").isEmpty();
        assertThat(untyped).as("JSON answers without their schema (a bare object says nothing)").isEmpty();
        assertThat(unexampled).as("request bodies without an example").isEmpty();
        assertThat(unexampledAnswers).as("JSON answers without an example").isEmpty();
    }

    /**
     * Whether an example is JSON: Micronaut OpenAPI writes a JSON object as structured YAML (a string left there did
     * not parse) but keeps an array as its text, which must parse then.
     */
    private static boolean parses(Object example) {
        if (example instanceof Map<?, ?> || example instanceof List<?>) {
            return true;
        }
        try {
            return example instanceof String text && JSON.readTree(text).isArray();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The example values of a JSON answer: its {@code example}, or each of its {@code examples}' value. */
    @SuppressWarnings("unchecked")
    private static List<Object> answerExamples(Map<String, Object> json) {
        List<Object> values = new ArrayList<>();
        if (json.get("example") != null) {
            values.add(json.get("example"));
        }
        if (json.get("examples") instanceof Map<?, ?> examples) {
            examples.values().forEach(e -> values.add(((Map<String, Object>) e).get("value")));
        }
        return values;
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
