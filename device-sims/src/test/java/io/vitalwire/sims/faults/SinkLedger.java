package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.testing.StackSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the sinks hold, counted by reading key straight from the stack's FHIR server and InfluxDB (never through a
 * test's relay): Observations by their reading-key identifier, InfluxDB points by their {@code reading_key} field;
 * and the care team's Tasks by the alert they are for.
 */
final class SinkLedger {

    private static final String READING_KEY = "https://vitalwire.io/fhir/NamingSystem/reading-key";
    /** cloud-ingest's TaskMapper: a Task's identifier is its alert's id in this system. */
    private static final String ALERT = "https://vitalwire.io/fhir/NamingSystem/alert";
    /** Identifiers per FHIR search (OR-ed): keeps the URL well below servers' limits. */
    private static final int KEYS_PER_SEARCH = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings stack;
    private final HttpClient http = HttpClient.newHttpClient();

    SinkLedger(StackSettings stack) {
        this.stack = stack;
    }

    /** Observations per reading key, for every key given (0 for a key without one). */
    Map<String, Integer> observations(List<String> keys) throws IOException, InterruptedException {
        Map<String, Integer> counts = new HashMap<>();
        keys.forEach(k -> counts.put(k, 0));
        for (int from = 0; from < keys.size(); from += KEYS_PER_SEARCH) {
            String identifiers = keys.subList(from, Math.min(from + KEYS_PER_SEARCH, keys.size())).stream()
                    .map(k -> READING_KEY + "|" + k).collect(Collectors.joining(","));
            String url = stack.fhirUrl() + "/Observation?_count=1000&_elements=identifier&identifier="
                    + URLEncoder.encode(identifiers, StandardCharsets.UTF_8);
            JsonNode bundle = get(url, true);
            if (bundle.has("link") && bundle.get("link").findValues("relation").stream()
                    .anyMatch(r -> r.asText().equals("next"))) {
                throw new IllegalStateException("more Observations than one page holds for " + identifiers);
            }
            for (JsonNode entry : bundle.path("entry")) {
                for (JsonNode id : entry.at("/resource/identifier")) {
                    if (READING_KEY.equals(id.path("system").asText())) {
                        counts.merge(id.path("value").asText(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    /**
     * Waits until every reading is in FHIR (one Observation each) and InfluxDB ({@code expectedPoints}: points per
     * reading key, the patient's only ones), polling each second.
     */
    void awaitAll(String patientId, Map<String, Integer> expectedPoints, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(observations(new ArrayList<>(expectedPoints.keySet())).values()).containsOnly(1);
            assertThat(points(patientId)).isEqualTo(expectedPoints);
        });
    }

    /** Every reading exactly once: one Observation per key, and the patient's points exactly those expected. */
    void assertExactlyOnce(String patientId, Map<String, Integer> expectedPoints)
            throws IOException, InterruptedException {
        Map<String, Integer> onceEach = new HashMap<>();
        expectedPoints.keySet().forEach(k -> onceEach.put(k, 1));
        assertThat(observations(new ArrayList<>(expectedPoints.keySet()))).as("exactly one Observation per reading")
                .isEqualTo(onceEach);
        assertThat(points(patientId)).as("one point per value").isEqualTo(expectedPoints);
    }

    /** FHIR Tasks for the alert with this id (one expected, ever). */
    int tasks(String alertId) throws IOException, InterruptedException {
        JsonNode bundle = get(stack.fhirUrl() + "/Task?_summary=count&identifier="
                + URLEncoder.encode(ALERT + "|" + alertId, StandardCharsets.UTF_8), true);
        return bundle.path("total").asInt();
    }

    /** InfluxDB points per reading key of one patient (by the {@code patient} tag, the FHIR Patient id). */
    Map<String, Integer> points(String patientId) throws IOException, InterruptedException {
        String q = "SELECT reading_key, value FROM vitals WHERE patient = '" + patientId + "'";
        JsonNode result = get(stack.influxUrl() + "/query?db=" + stack.influxDb() + "&q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8), false);
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode series : result.at("/results/0/series")) {
            for (JsonNode row : series.path("values")) {
                counts.merge(row.get(1).asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private JsonNode get(String url, boolean noCache) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (noCache) {
            // HAPI answers a repeated search from its result cache for up to a minute otherwise.
            request.header("Cache-Control", "no-cache");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + url + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
