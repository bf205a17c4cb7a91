package io.vitalwire.sims.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** FHIR transaction bundles posted to the server's base URL: the fleet's registration and the FHIR baseline. */
final class FhirTransactions {

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    FhirTransactions(URI fhir) {
        this.base = URI.create(fhir.toString().endsWith("/") ? fhir.toString() : fhir + "/");
    }

    ObjectNode newBundle() {
        return json.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
    }

    /** Posts the bundle; an answer other than 200 fails with its start. */
    void post(ObjectNode bundle) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base)
                .header("Content-Type", "application/fhir+json").timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(bundle))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("FHIR transaction answered HTTP " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(500, response.body().length())));
        }
    }

    /** A GET below the base URL, e.g. a search; its JSON. */
    com.fasterxml.jackson.databind.JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("FHIR GET " + path + " answered HTTP " + response.statusCode());
        }
        return json.readTree(response.body());
    }
}
