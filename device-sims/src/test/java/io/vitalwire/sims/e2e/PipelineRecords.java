package io.vitalwire.sims.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cloud side of the end-to-end tests on the local stack: how cloud-ingest runs, and where to look for what
 * became of a reading: its Observations on the FHIR server (by the reading-key identifier) and its quarantine entries
 * in cloud-ingest's PostgreSQL.
 */
public final class PipelineRecords {

    public static final String READING_KEY = "https://vitalwire.io/fhir/NamingSystem/reading-key";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StackSettings stack;

    public PipelineRecords(StackSettings stack) {
        this.stack = stack;
    }

    /**
     * The properties of a cloud-ingest process of this run on the local stack: its own client id and shared
     * subscription group (never used again, so the broker need not queue for it after the run), trusting the test
     * tokens.
     */
    public Map<String, String> ingestProperties(String run) {
        return TestTokens.shared().trustedBy(Map.of("vitalwire.ingest.mqtt.broker-url", stack.mqttUrl(),
                "vitalwire.ingest.mqtt.client-id", "ingest-e2e-" + run,
                "vitalwire.ingest.mqtt.share-group", "e2e-" + run,
                "vitalwire.ingest.mqtt.session-expiry", "2m",
                "vitalwire.ingest.fhir.url", stack.fhirUrl(),
                "vitalwire.ingest.influx.url", stack.influxUrl(),
                "vitalwire.ingest.influx.database", stack.influxDb(),
                "datasources.default.url", stack.pgUrl(),
                "datasources.default.username", stack.pgUser(),
                "datasources.default.password", stack.pgPassword()));
    }

    /** The search Bundle of the Observations whose identifier is this reading key, with an accurate total. */
    public JsonNode observationsByKey(String key) throws IOException, InterruptedException {
        String url = stack.fhirUrl() + "/Observation?_total=accurate&identifier="
                + URLEncoder.encode(READING_KEY + "|" + key, StandardCharsets.UTF_8);
        // no-cache: HAPI otherwise answers a repeated search from its result cache for up to a minute.
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Cache-Control", "no-cache").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** The reasons of the quarantine entries matching {@code where} (one {@code ?}, bound to {@code value}). */
    public List<String> quarantineReasons(String where, String value) throws SQLException {
        List<String> reasons = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(stack.pgUrl(), stack.pgUser(), stack.pgPassword());
             PreparedStatement s = c.prepareStatement("SELECT reason FROM quarantine WHERE " + where)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
            }
        }
        return reasons;
    }
}
