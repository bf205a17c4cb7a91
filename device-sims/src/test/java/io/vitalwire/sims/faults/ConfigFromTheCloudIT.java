package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.PostgresSchema;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator changes a hub's configuration from the cloud and sees it applied (issue 16, point 2), with the jars
 * as installed: cloud-ingest's admin API → PostgreSQL → the deployed broker (mutual TLS, the rendered ACL; retained
 * on the hub's config topic) → the gateway, which writes it to disk and applies it: its CoAP thermometer, allowed by
 * the first version, is refused by the second, which leaves it out; and the fleet view shows the version the hub
 * applied beside the one issued.
 */
class ConfigFromTheCloudIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void anOperatorsChange_reachesTheHub_whichAppliesIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String id = "gw-cfg-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), id, TestPki.INGEST);
        HomeDeviceCredential thermometer = HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, "CFG-" + run);
        Path dataDir = dir.resolve("gateway");
        Map<String, String> properties = new HashMap<>(Map.ofEntries(
                Map.entry("vitalwire.ingest.mqtt.broker-url", "placeholder"),
                Map.entry("vitalwire.ingest.mqtt.ca-file", pki.ca().toString()),
                Map.entry("vitalwire.ingest.mqtt.cert-file", pki.cert(TestPki.INGEST).toString()),
                Map.entry("vitalwire.ingest.mqtt.key-file", pki.key(TestPki.INGEST).toString()),
                Map.entry("vitalwire.ingest.mqtt.client-id", "ingest-cfg-" + run),
                Map.entry("vitalwire.ingest.mqtt.share-group", "cfg-" + run),
                Map.entry("vitalwire.ingest.inbox.workers-enabled", "false"),
                Map.entry("vitalwire.ingest.fhir.url", STACK.fhirUrl()),
                Map.entry("vitalwire.ingest.influx.url", STACK.influxUrl()),
                Map.entry("vitalwire.ingest.influx.database", STACK.influxDb())));

        try (PostgresSchema schema = PostgresSchema.create(STACK);
             MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"))) {
            properties.put("vitalwire.ingest.mqtt.broker-url", broker.url());
            properties.putAll(schema.datasourceProperties());
            try (ServiceProcess ingest = ServiceProcess.start("faults-cfg-ingest-" + run,
                         Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar"),
                         TestTokens.shared().trustedBy(properties));
                 FaultGateway gateway = new FaultGateway(id, pki, broker.url(), dataDir, List.of(thermometer),
                         Map.of())) {
                gateway.start();
                ingest.awaitHealth(200, Duration.ofSeconds(90));
                gateway.awaitConnected();
                assertThat(put(ingest, "/admin/gateways/" + id + "/tenant", "{\"tenant\":\"" + TestPki.TENANT
                        + "\"}").statusCode()).isEqualTo(200);

                HttpResponse<String> first = put(ingest, "/admin/gateways/" + id + "/config", "{\"devices\":{"
                        + "\"ble\":[],\"coap\":[\"sn." + thermometer.serial() + "\"]},\"reporting\":"
                        + "{\"statusIntervalSeconds\":15}}");
                assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
                await().atMost(ARRIVAL).until(() -> appliedVersion(dataDir) == 1);
                assertThat(measure(thermometer, gateway)).isEqualTo(CoAP.ResponseCode.CHANGED);

                HttpResponse<String> second = put(ingest, "/admin/gateways/" + id + "/config",
                        "{\"devices\":{\"ble\":[],\"coap\":[]}}");
                JsonNode issued = JSON.readTree(second.body());
                assertThat(issued.get("version").asLong()).isEqualTo(2);
                assertThat(issued.get("publishedVersion").asLong()).isEqualTo(2);
                await().atMost(ARRIVAL).until(() -> appliedVersion(dataDir) == 2);
                // Swapped in just after it is on disk.
                await().atMost(Duration.ofSeconds(5)).until(() -> measure(thermometer, gateway)
                        == CoAP.ResponseCode.FORBIDDEN);
                // The operator sees it applied in the fleet view: the heartbeat right after applying reports it.
                await().atMost(ARRIVAL).untilAsserted(() -> {
                    JsonNode hub = fleetEntry(ingest, id);
                    assertThat(hub.get("status").asText()).isEqualTo("ONLINE");
                    assertThat(hub.get("configIssued").asLong()).isEqualTo(2);
                    assertThat(hub.get("configVersion").asLong()).isEqualTo(2);
                });
            }
        }
    }

    private static CoAP.ResponseCode measure(HomeDeviceCredential thermometer, FaultGateway gateway)
            throws Exception {
        try (CoapHomeDevice device = new CoapHomeDevice(thermometer, gateway.coap())) {
            return device.measure(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5), 1);
        }
    }

    /** The version of the last good configuration the gateway wrote to its data directory; 0: none yet. */
    private static long appliedVersion(Path dataDir) throws Exception {
        Path file = dataDir.resolve("remote-config.json");
        return Files.exists(file) ? new ContractCodec().decode(Files.readAllBytes(file), GatewayConfig.class)
                .version() : 0;
    }

    /** The hub's entry in the fleet view, as an auditor reads it. */
    private static JsonNode fleetEntry(ServiceProcess ingest, String gateway) throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.url("/admin/fleet?tenant="
                + TestPki.TENANT))).header("Authorization", TestTokens.shared().bearer("aud-cfg", "auditor")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        for (JsonNode hub : JSON.readTree(page.body()).get("hubs")) {
            if (hub.get("gateway").asText().equals(gateway)) {
                return hub;
            }
        }
        throw new AssertionError("hub " + gateway + " not in the fleet view: " + page.body());
    }

    private static HttpResponse<String> put(ServiceProcess ingest, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.url(path)))
                .header("Content-Type", "application/json")
                .header("Authorization", TestTokens.shared().bearer("op-cfg", "operator"))
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
