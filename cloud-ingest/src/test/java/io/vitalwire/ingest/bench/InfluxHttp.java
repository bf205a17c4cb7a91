package io.vitalwire.ingest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.ingest.influx.InfluxSink;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * InfluxDB 1.x spoken over plain HTTP: the benchmark's baseline writer (line protocol to {@code /write}, nothing of
 * ours in between) and its bookkeeping (databases, point counts).
 */
final class InfluxHttp {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String url;

    InfluxHttp(String url) {
        this.url = url;
    }

    void query(String statement) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(url + "/query?q=" + encode(statement)))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
    }

    /** Writes line protocol, timestamps in nanoseconds. */
    void write(String database, byte[] lines) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(url + "/write?db=" + encode(database) + "&precision=ns"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(lines)).build(), 204);
    }

    long countPoints(String database, String measurement) throws IOException, InterruptedException {
        String body = send(HttpRequest.newBuilder(URI.create(url + "/query?db=" + encode(database) + "&q="
                + encode("SELECT count(value) FROM " + measurement))).GET().build(), 200);
        JsonNode values = json.readTree(body).path("results").path(0).path("series").path(0).path("values");
        return values.isMissingNode() ? 0 : values.path(0).path(1).asLong();
    }

    /**
     * The points {@code InfluxSink} writes for the readings — measurement {@code vitals}, tags
     * clock_quality/code/device/patient, fields value/unit/reading_key, the point time of the reading's identity
     * ({@link InfluxSink#pointTime}) — as line protocol, one line per value.
     */
    static byte[] lineProtocol(List<Reading> readings, Function<Reading, String> patientOf) {
        StringBuilder lines = new StringBuilder(readings.size() * 160);
        for (Reading r : readings) {
            for (ReadingValue v : r.values()) {
                lines.append("vitals,clock_quality=").append(tag(r.clockQuality().code()))
                        .append(",code=").append(tag(v.mdc()))
                        .append(",device=").append(tag(r.device().stableId()))
                        .append(",patient=").append(tag(patientOf.apply(r)))
                        .append(" value=").append(v.value().doubleValue())
                        .append(",unit=").append(field(v.unit()))
                        .append(",reading_key=").append(field(r.key()))
                        .append(' ').append(InfluxSink.pointTime(r)).append('\n');
            }
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String tag(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ");
    }

    private static String field(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private String send(HttpRequest request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException("InfluxDB answered HTTP " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
