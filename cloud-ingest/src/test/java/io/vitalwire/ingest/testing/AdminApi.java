package io.vitalwire.ingest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.vitalwire.testing.TestTokens;
import java.nio.charset.StandardCharsets;

/**
 * cloud-ingest's admin API over real HTTP, as an operator's tool would call it: with a bearer token holding every
 * role ({@link TestTokens#admin()}), except where a call names its caller.
 */
public final class AdminApi {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final URI base;

    public AdminApi(URL server) {
        this.base = URI.create(server.toString());
    }

    /** {@code GET /admin/readings?key=}: where a reading went. */
    public JsonNode explain(String readingKey) throws IOException, InterruptedException {
        return get("/admin/readings?key=" + encode(readingKey));
    }

    /** GET a path; the answer must be 200 and JSON. */
    public JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return ok(send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET().build()));
    }

    /** POST to a path without a body; the answer must be 200 and JSON. */
    public JsonNode post(String pathAndQuery) throws IOException, InterruptedException {
        return ok(send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build()));
    }

    /** PUT a JSON body to a path as {@code subject}, a clinical-admin; returns the status and the body. */
    public HttpResponse<String> put(String pathAndQuery, String body, String subject)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Content-Type", "application/json")
                .header("Authorization", TestTokens.shared().bearer(subject, "clinical-admin"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** POST a JSON body to a path as {@code subject} with {@code roles}; returns the status and the body. */
    public HttpResponse<String> postAs(String pathAndQuery, String body, String subject, String... roles)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).header("Content-Type", "application/json")
                .header("Authorization", TestTokens.shared().bearer(subject, roles))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The JSON of a 200 answer (else an assertion error with the status and body). */
    public JsonNode json(HttpResponse<String> response) throws IOException {
        return ok(response);
    }

    /**
     * PUT a JSON body to a path with exactly this {@code Authorization} header ({@code null}: none), for the refusals
     * and the roles a test is about; returns the status and the body.
     */
    public HttpResponse<String> putAs(String pathAndQuery, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a GET, for requests that are to be refused. */
    public int status(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET().build()).statusCode();
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpRequest authorized = request.headers().firstValue("Authorization").isPresent() ? request
                : HttpRequest.newBuilder(request, (name, value) -> true)
                        .header("Authorization", TestTokens.shared().admin()).build();
        return http.send(authorized, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 200) {
            throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
