package io.vitalwire.sims.e2e;

import io.vitalwire.sims.process.ServiceProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on real parts: simulated home devices → gateway (CoAP over DTLS, SQLite buffer, MQTT uplink) →
 * Mosquitto → cloud-ingest → HAPI FHIR server and InfluxDB, with refusals in PostgreSQL. The gateway and
 * cloud-ingest run as separate JVMs from their built jars; the services are the local stack
 * ({@code deploy/dev/stack.sh start}).
 */
class FirstReadingEndToEndIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TENANT = "e2e";
    private static final String GATEWAY_ID = "gw-e2e-" + RUN;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PipelineRecords RECORDS = new PipelineRecords(STACK);

    private static ServiceProcess gateway;
    private static ServiceProcess ingest;
    private static URI coap;
    private static String patientId;
    private static FhirProvisioner provisioner;
    /** Every device the tests use, provisioned on the gateway before it starts (as an installer would). */
    private static final Map<String, HomeDeviceCredential> DEVICES = new java.util.HashMap<>();

    @BeforeAll
    static void startPipeline() throws Exception {
        provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        patientId = provisioner.patient("e2e-" + RUN, "Tester", "E2E");

        int coapPort = FreePorts.udp();
        coap = URI.create("coaps://127.0.0.1:" + coapPort);
        Path dataDir = Files.createTempDirectory("vw-gateway-");
        for (HomeDeviceKind kind : HomeDeviceKind.values()) {
            credential(kind, "E2E-" + RUN + "-" + kind.ordinal());
        }
        credential(HomeDeviceKind.THERMOMETER, "E2E-" + RUN + "-TWICE");
        credential(HomeDeviceKind.SCALE, "E2E-" + RUN + "-STRANGER");
        credential(HomeDeviceKind.PULSE_OXIMETER, "E2E-" + RUN + "-AFTER");
        credential(HomeDeviceKind.SCALE, "E2E-" + RUN + "-BAD");
        HomeDeviceCredential.writeGatewayFile(dataDir.resolve("coap-devices.psk"), List.copyOf(DEVICES.values()));
        ingest = ServiceProcess.start("cloud-ingest-" + RUN, Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar"),
                RECORDS.ingestProperties(RUN));
        gateway = ServiceProcess.start("gateway-" + RUN, Path.of("..", "gateway", "target", "gateway.jar"),
                Map.of("vitalwire.gateway.id", GATEWAY_ID,
                        "vitalwire.gateway.tenant", TENANT,
                        "vitalwire.gateway.data-dir", dataDir.toString(),
                        "vitalwire.gateway.coap.port", Integer.toString(coapPort),
                        "vitalwire.gateway.uplink.broker-url", STACK.mqttUrl()));
        ingest.awaitHealth(200, Duration.ofSeconds(90));
        gateway.awaitHealth(200, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (ingest != null) {
            ingest.close();
        }
    }

    @Test
    void readingsOfEveryHomeDeviceKind_arriveAsObservationsAndInfluxPoints() throws Exception {
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        List<String> keys = new ArrayList<>();
        for (HomeDeviceKind kind : HomeDeviceKind.values()) {
            String serial = "E2E-" + RUN + "-" + kind.ordinal();
            provisioner.device(serial, kind.name(), patientId);
            try (CoapHomeDevice device = device(serial)) {
                assertThat(device.measure(at, 1)).as(kind.name()).isEqualTo(CoAP.ResponseCode.CHANGED);
            }
            keys.add(key(serial, at, primaryCode(kind)));
        }

        for (String key : keys) {
            JsonNode observation = awaitSingleObservation(key);
            assertThat(observation.at("/subject/reference").asText()).isEqualTo("Patient/" + patientId);
            assertThat(observation.at("/status").asText()).isEqualTo("final");
            assertThat(observation.at("/effectiveDateTime").asText()).startsWith(at.toString().substring(0, 19));
            assertThat(awaitInfluxValues(key)).as(key).isNotEmpty();
        }

        JsonNode bp = awaitSingleObservation(keys.get(HomeDeviceKind.BP_CUFF.ordinal()));
        assertThat(bp.at("/code/coding/0/code").asText()).isEqualTo("85354-9");
        assertThat(bp.at("/component/0/code/coding/0/code").asText()).isEqualTo("8480-6");
        assertThat(bp.at("/component/0/valueQuantity/value").decimalValue()).isEqualByComparingTo("119");
        assertThat(bp.at("/component/0/valueQuantity/code").asText()).isEqualTo("mm[Hg]");
        assertThat(bp.at("/category/0/coding/0/code").asText()).isEqualTo("vital-signs");
        assertThat(awaitInfluxValues(keys.get(HomeDeviceKind.BP_CUFF.ordinal()))).containsExactlyInAnyOrder(
                119.0, 77.0, 91.0);
        JsonNode trail = explain(keys.get(HomeDeviceKind.BP_CUFF.ordinal()));
        assertThat(trail.get("outcome").asText()).isEqualTo("delivered");
        assertThat(trail.get("observations").get(0).asText()).isEqualTo("Observation/" + bp.get("id").asText());
        assertThat(trail.get("influxPoints").asLong()).isEqualTo(3);
        assertThat(trail.get("quarantine")).isEmpty();
        JsonNode glucose = awaitSingleObservation(keys.get(HomeDeviceKind.GLUCOSE_METER.ordinal()));
        assertThat(glucose.has("category")).as("glucose is not a vital sign").isFalse();
        assertThat(glucose.at("/valueQuantity/unit").asText()).isEqualTo("mg/dL");
    }

    @Test
    void aMeasurementSentTwice_isOneObservation() throws Exception {
        String serial = "E2E-" + RUN + "-TWICE";
        provisioner.device(serial, "THERMOMETER", patientId);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(90);
        try (CoapHomeDevice thermometer = device(serial)) {
            assertThat(thermometer.measure(at, 3)).isEqualTo(CoAP.ResponseCode.CHANGED);
            assertThat(thermometer.measure(at, 3)).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        String key = key(serial, at, "150364");

        JsonNode observation = awaitSingleObservation(key);
        assertThat(observation.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("36.7");
        // Give a duplicate time to appear if the pipeline were to create one.
        Thread.sleep(2_000);
        assertThat(searchByKey(key).path("total").asInt()).isEqualTo(1);
    }

    @Test
    void aReadingFromAnUnregisteredDevice_isQuarantinedWithItsReason() throws Exception {
        String serial = "E2E-" + RUN + "-STRANGER";
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        try (CoapHomeDevice scale = device(serial)) {
            assertThat(scale.measure(at, 2)).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        String key = key(serial, at, "188736");

        await().atMost(ARRIVAL).untilAsserted(() ->
                assertThat(quarantine("reading_key = ?", key)).containsExactly("UNKNOWN_DEVICE"));
        assertThat(searchByKey(key).path("total").asInt()).isZero();
        JsonNode trail = explain(key);
        assertThat(trail.get("outcome").asText()).isEqualTo("quarantined");
        assertThat(trail.at("/quarantine/0/reason").asText()).isEqualTo("UNKNOWN_DEVICE");
        assertThat(trail.get("observations")).isEmpty();
        assertThat(explain(key("NEVER-SENT", at, "188736")).get("outcome").asText()).isEqualTo("unknown");
    }

    @Test
    void malformedMessages_areQuarantinedAndIngestKeepsWorking() throws Exception {
        String gatewayTopic = "vitalwire/v1/" + TENANT + "/" + GATEWAY_ID + "/readings";
        String futureTopic = "vitalwire/v2/" + TENANT + "/" + GATEWAY_ID + "/readings";
        MqttClient rogue = new MqttClient(STACK.mqttUrl(), "rogue-" + RUN, new MemoryPersistence());
        rogue.connect();
        rogue.publish(gatewayTopic, "{not json".getBytes(StandardCharsets.UTF_8), 1, false);
        rogue.publish(futureTopic, "{}".getBytes(StandardCharsets.UTF_8), 1, false);
        rogue.disconnect();
        rogue.close();

        await().atMost(ARRIVAL).untilAsserted(() -> {
            assertThat(quarantine("topic = ?", gatewayTopic)).containsExactly("CONTRACT_VIOLATION");
            assertThat(quarantine("topic = ?", futureTopic)).containsExactly("CONTRACT_VIOLATION");
        });
        assertThat(quarantineDetail(gatewayTopic)).startsWith("MALFORMED");
        assertThat(quarantineDetail(futureTopic)).startsWith("UNSUPPORTED_VERSION");

        String serial = "E2E-" + RUN + "-AFTER";
        provisioner.device(serial, "PULSE_OXIMETER", patientId);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        try (CoapHomeDevice oximeter = device(serial)) {
            assertThat(oximeter.measure(at, 0)).isEqualTo(CoAP.ResponseCode.CHANGED);
        }
        JsonNode spo2 = awaitSingleObservation(key(serial, at, "150456"));
        assertThat(spo2.at("/code/coding/0/code").asText()).isEqualTo("2708-6");
        assertThat(spo2.at("/valueQuantity/value").decimalValue()).isEqualByComparingTo("95");
    }

    @Test
    void theGatewayRefusesAMalformedPack_withADiagnostic() throws Exception {
        String serial = "E2E-" + RUN + "-BAD";
        try (CoapHomeDevice device = device(serial)) {
            assertThat(device.post("[{\"bn\":\"urn:dev:sn:" + serial + ":\",\"n\":\"body-weight\",\"v\":70}]"))
                    .isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            assertThat(device.post("not senml")).isEqualTo(CoAP.ResponseCode.BAD_REQUEST);
            // A device that claims to be another one is refused: identity comes from its key.
            assertThat(device.post("[{\"bn\":\"urn:dev:sn:E2E-" + RUN + "-0:\",\"n\":\"body-weight\","
                    + "\"u\":\"kg\",\"v\":70}]")).isEqualTo(CoAP.ResponseCode.FORBIDDEN);
        }
        try (CoapHomeDevice impostor = new CoapHomeDevice(HomeDeviceKind.SCALE, serial, new byte[16], coap)) {
            assertThatThrownBy(() -> impostor.measure(Instant.now(), 1)).isInstanceOf(IOException.class);
        }
    }

    private static void credential(HomeDeviceKind kind, String serial) {
        DEVICES.put(serial, HomeDeviceCredential.generate(kind, serial));
    }

    private static CoapHomeDevice device(String serial) {
        return new CoapHomeDevice(DEVICES.get(serial), coap);
    }

    /** cloud-ingest's explain API: where a reading went. */
    private static JsonNode explain(String key) throws Exception {
        return JSON.readTree(ingest.get("/admin/readings?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8),
                TestTokens.shared().admin()));
    }

    private static String key(String serial, Instant at, String mdc) {
        return GatewayReadings.deviceTimeKey(GATEWAY_ID, serial, at, mdc);
    }

    private static String primaryCode(HomeDeviceKind kind) {
        return switch (kind) {
            case BP_CUFF -> "150020";
            case THERMOMETER -> "150364";
            case SCALE -> "188736";
            case GLUCOSE_METER -> "160184";
            case PULSE_OXIMETER -> "150456";
        };
    }

    private static JsonNode awaitSingleObservation(String key) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode bundle = searchByKey(key);
            assertThat(bundle.path("total").asInt()).as("Observations with key " + key).isEqualTo(1);
            found[0] = bundle.at("/entry/0/resource");
        });
        return found[0];
    }

    private static JsonNode searchByKey(String key) throws IOException, InterruptedException {
        return RECORDS.observationsByKey(key);
    }

    private static List<Double> awaitInfluxValues(String key) {
        List<Double> values = new ArrayList<>();
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            values.clear();
            String q = "SELECT value FROM vitals WHERE reading_key = '" + key + "'";
            String url = STACK.influxUrl() + "/query?db=" + STACK.influxDb() + "&q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8);
            JsonNode result = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode row : result.at("/results/0/series/0/values")) {
                values.add(row.get(1).asDouble());
            }
            assertThat(values).isNotEmpty();
        });
        return values;
    }

    private static List<String> quarantine(String where, String value) throws Exception {
        return RECORDS.quarantineReasons(where, value);
    }

    private static String quarantineDetail(String topic) throws Exception {
        try (Connection c = DriverManager.getConnection(STACK.pgUrl(), STACK.pgUser(), STACK.pgPassword());
             PreparedStatement s = c.prepareStatement("SELECT detail FROM quarantine WHERE topic = ?")) {
            s.setString(1, topic);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
