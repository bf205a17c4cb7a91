package io.vitalwire.sims.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.process.AdminToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * cloud-ingest's admin API as an operator calls it: with a bearer token that the jar's {@code token} command signs
 * with the dev stack's key (roles operator, clinical-admin, auditor, metrics), never put on a command line.
 */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminApi(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    /** @param base cloud-ingest's {@code http://127.0.0.1:port} */
    static AdminApi signIn(String base, Path jar, StackEnv stack) throws IOException, InterruptedException {
        return new AdminApi(base, "Bearer " + AdminToken.sign(jar, "demo", stack.adminDevKey().toString(),
                stack.adminIssuer(), "operator", "clinical-admin", "auditor", "metrics"));
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), path);
    }

    JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), path);
    }

    void delete(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).DELETE()
                .header("Authorization", authorization).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered HTTP " + response.statusCode());
        }
    }

    private JsonNode send(HttpRequest.Builder request, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.header("Authorization", authorization)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(path + " answered HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }
}
