package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.GatewayReadings;
import io.vitalwire.testing.MosquittoBroker;
import io.vitalwire.testing.StackSettings;
import io.vitalwire.testing.TestPki;
import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.californium.core.coap.CoAP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The healthy path the fault tests start from, entirely over mutual TLS: a device's reading goes gateway → the
 * test's broker (deploy/broker's configuration and ACL) → cloud-ingest, each connected with its own certificate, and
 * becomes an Observation. FHIR, InfluxDB and PostgreSQL are the local stack's.
 */
class MutualTlsPipelineIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aReading_travelsGatewayBrokerIngestOverMutualTls_toAnObservation() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String id = "gw-tls-" + run;
        TestPki pki = TestPki.issue(dir.resolve("pki"), id, TestPki.INGEST);
        HomeDeviceCredential thermometer = HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, "TLS-" + run);
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        provisioner.device(thermometer.serial(), thermometer.kind().name(),
                provisioner.patient("tls-" + run, "Tester", "Tls"));

        try (MosquittoBroker broker = MosquittoBroker.deployed(pki, dir.resolve("broker"));
             ServiceProcess ingest = ServiceProcess.start("faults-ingest-" + run,
                     Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar"),
                     TestTokens.shared().trustedBy(Map.ofEntries(
                             Map.entry("vitalwire.ingest.mqtt.broker-url", broker.url()),
                             Map.entry("vitalwire.ingest.mqtt.ca-file", pki.ca().toString()),
                             Map.entry("vitalwire.ingest.mqtt.cert-file", pki.cert(TestPki.INGEST).toString()),
                             Map.entry("vitalwire.ingest.mqtt.key-file", pki.key(TestPki.INGEST).toString()),
                             Map.entry("vitalwire.ingest.mqtt.client-id", "ingest-tls-" + run),
                             Map.entry("vitalwire.ingest.mqtt.share-group", "tls-" + run),
                             Map.entry("vitalwire.ingest.fhir.url", STACK.fhirUrl()),
                             Map.entry("vitalwire.ingest.influx.url", STACK.influxUrl()),
                             Map.entry("vitalwire.ingest.influx.database", STACK.influxDb()),
                             Map.entry("datasources.default.url", STACK.pgUrl()),
                             Map.entry("datasources.default.username", STACK.pgUser()),
                             Map.entry("datasources.default.password", STACK.pgPassword()))));
             FaultGateway gateway = new FaultGateway(id, pki, broker.url(), dir.resolve("gateway"), List.of(thermometer),
                     Map.of())) {
            gateway.start();
            ingest.awaitHealth(200, Duration.ofSeconds(90));
            gateway.awaitConnected();

            Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);
            try (CoapHomeDevice device = new CoapHomeDevice(thermometer, gateway.coap())) {
                assertThat(device.measure(at, 2)).isEqualTo(CoAP.ResponseCode.CHANGED);
            }
            String key = GatewayReadings.deviceTimeKey(id, thermometer.serial(), at, "150364");

            // A poll the explain API answers slowly (a loaded FHIR server behind it) is polled again, not a failure.
            await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(HttpTimeoutException.class).untilAsserted(() -> {
                JsonNode trail = JSON.readTree(ingest.get("/admin/readings?key="
                        + URLEncoder.encode(key, StandardCharsets.UTF_8), TestTokens.shared().admin()));
                assertThat(trail.get("outcome").asText()).isEqualTo("delivered");
            });
        }
    }
}
