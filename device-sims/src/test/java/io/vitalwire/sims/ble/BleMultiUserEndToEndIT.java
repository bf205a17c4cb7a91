package io.vitalwire.sims.ble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vitalwire.contract.Reading;
import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimMeasurement;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.e2e.PipelineRecords;
import io.vitalwire.sims.process.ServiceProcess;
import io.vitalwire.sims.provision.FhirProvisioner;
import io.vitalwire.testing.StackSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A family blood pressure cuff with two users (issue 14, point 1), end to end on real parts: the simulated BlueZ →
 * the gateway jar (BLE, passkey bonding, the user index decoded from the Blood Pressure Measurement) → Mosquitto →
 * the cloud-ingest jar → the HAPI FHIR server. User 1's readings become Observations of patient 1, user 2's of
 * patient 2, and the reading of the unknown user (255) is quarantined {@code UNBOUND_USER}: never given to either.
 */
class BleMultiUserEndToEndIT {

    private static final StackSettings STACK = StackSettings.fromEnvironment();
    private static final ZoneId DEVICE_ZONE = ZoneId.of("Europe/Berlin");
    private static final Duration ARRIVAL = Duration.ofSeconds(60);
    private static final SimDeviceKind CUFF = SimDeviceKind.BLOOD_PRESSURE_CUFF;
    private static final PipelineRecords RECORDS = new PipelineRecords(STACK);

    private final List<Reading> received = new CopyOnWriteArrayList<>();

    @Test
    @Timeout(240)
    void twoUsersOfOneCuff_eachTheirOwnPatient_theUnknownUserQuarantined() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String gatewayId = "gw-ble-mu-" + run;
        // A serial of this run's own: FHIR keeps the Devices and their user bindings of earlier runs.
        String serial = "BPC-MU-" + run;
        FhirProvisioner provisioner = new FhirProvisioner(URI.create(STACK.fhirUrl()));
        String alice = provisioner.patient("mu-" + run + "-1", "Tester", "Alice");
        String bob = provisioner.patient("mu-" + run + "-2", "Tester", "Bob");
        String device = provisioner.device(serial, "family cuff", alice);
        Instant since = Instant.parse("2026-01-01T00:00:00Z"); // before the cuff's first measurement
        provisioner.assignUser(device, 1, alice, since);
        provisioner.assignUser(device, 2, bob, since);

        Path dir = Files.createTempDirectory("vw-ble-mu-");
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), DEVICE_ZONE, EnumSet.of(CUFF))) {
            bluez.serial(CUFF, serial);
            bluez.users(CUFF, 1, 2, 255);
            bluez.requirePasskey(CUFF, 314159);
            MqttClient observer = GatewayObservers.readings(STACK, gatewayId, received);
            ServiceProcess ingest = ServiceProcess.start("cloud-ingest-" + run,
                    Path.of("..", "cloud-ingest", "target", "cloud-ingest.jar"), RECORDS.ingestProperties(run));
            ServiceProcess gateway = null;
            try {
                Map<String, String> p = BleGatewayProperties.of(STACK, gatewayId, dir.resolve("gateway"),
                        DEVICE_ZONE, daemon.address(), CUFF.address() + " passkey=314159 serial=" + serial);
                p.put("vitalwire.gateway.coap.enabled", "false");
                gateway = ServiceProcess.start(gatewayId, Path.of("..", "gateway", "target", "gateway.jar"), p);
                ingest.awaitHealth(200, Duration.ofSeconds(90));
                gateway.awaitHealth(200, Duration.ofSeconds(60));
                await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                        .until(() -> bluez.listening(CUFF));
                for (int i = 0; i < 3; i++) {
                    bluez.measure(CUFF);
                }

                List<SimMeasurement> measured = bluez.sent().stream().filter(m -> m.uuid16() == 0x2A35).toList();
                assertThat(measured).extracting(SimMeasurement::userIndex).containsExactly(1, 2, 255);
                ExpectedReadings expected = new ExpectedReadings(gatewayId);
                Map<Integer, List<String>> keysByUser = measured.stream().collect(Collectors.groupingBy(
                        SimMeasurement::userIndex, Collectors.flatMapping(m -> expected.of(m).stream()
                                .map(ExpectedReadings.Expected::key), Collectors.toList())));
                await().atMost(ARRIVAL).untilAsserted(() -> {
                    Set<String> arrived = received.stream().map(Reading::key).collect(Collectors.toSet());
                    assertThat(arrived).containsAll(keysByUser.values().stream().flatMap(List::stream).toList());
                });
                // The panel and the pulse rate of each measurement; 255 names no user at the gateway already.
                assertThat(received).filteredOn(r -> keysByUser.get(255).contains(r.key()))
                        .hasSize(2).allSatisfy(r -> assertThat(r.device().userIndex()).isNull());

                for (String key : keysByUser.get(1)) {
                    assertThat(awaitSubject(key)).as("user 1's " + key).isEqualTo("Patient/" + alice);
                }
                for (String key : keysByUser.get(2)) {
                    assertThat(awaitSubject(key)).as("user 2's " + key).isEqualTo("Patient/" + bob);
                }
                for (String key : keysByUser.get(255)) {
                    await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                            assertThat(RECORDS.quarantineReasons("reading_key = ?", key))
                                    .containsExactly("UNBOUND_USER"));
                    assertThat(RECORDS.observationsByKey(key).path("total").asInt()).as(key).isZero();
                }
            } finally {
                if (gateway != null) {
                    gateway.close();
                }
                ingest.close();
                observer.disconnect();
                observer.close();
            }
        }
    }

    /** The subject of the one Observation with this reading key, once there is one. */
    private static String awaitSubject(String key) {
        String[] subject = new String[1];
        await().atMost(ARRIVAL).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode bundle = RECORDS.observationsByKey(key);
            assertThat(bundle.path("total").asInt()).as("Observations with key " + key).isEqualTo(1);
            subject[0] = bundle.at("/entry/0/resource/subject/reference").asText();
        });
        return subject[0];
    }
}
