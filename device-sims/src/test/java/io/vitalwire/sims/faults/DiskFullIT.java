package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.testing.GatewayReadings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's disk fills up (its data directory on a small tmpfs, a filler file taking every free byte) while
 * devices keep measuring: devices get a clear refusal (5.03 with Max-Age, so they keep their readings and retry), the
 * health turns DOWN with a "disk full" alarm, a gap is recorded and reaches the cloud as an event, the SQLite file
 * stays intact, and when the space comes back the gateway accepts readings again and delivers everything it accepted,
 * each reading once.
 */
class DiskFullIT {

    /** Room for the buffer's first tens of thousands of readings; the filler takes the rest. */
    private static final String SIZE = "24m";
    private static final String BODY_TEMPERATURE_MDC = "150364";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void diskFull_devicesAreRefusedWithARetryHint_alarmAndGap_noCorruption_andAllIsDeliveredAfterwards()
            throws Exception {
        assumeTrue(SmallFilesystem.mountable(), "mounting a tmpfs needs root");
        String gatewayId = "gw-diskfull";
        try (SmallFilesystem disk = SmallFilesystem.mount(dir.resolve("gateway"), SIZE);
             FaultScenario scenario = FaultScenario.start(dir, gatewayId)) {
            List<GatewayEvent> events = new CopyOnWriteArrayList<>();
            MqttClient cloud = scenario.subscribeToEvents(events);
            Set<String> accepted = new HashSet<>();
            AtomicReference<CoapResponse> refusal = new AtomicReference<>();
            JsonNode healthWhileFull;
            try (ReadingStream stream = scenario.stream();
                 CoapHomeDevice probe = new CoapHomeDevice(scenario.devices().get(0), scenario.gateway.coap())) {
                stream.awaitAccepted(200, Duration.ofSeconds(30));

                long filler = disk.fill();
                // The probe measures at times of its own (two days back), so its keys never meet the stream's.
                HomeDeviceCredential probed = scenario.devices().get(0);
                Instant probeStart = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
                int[] n = {0};
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Instant at = probeStart.minusSeconds(n[0]);
                    CoapResponse response = probe.measureExchange(at, n[0]++);
                    if (response.getCode() == CoAP.ResponseCode.CHANGED) {
                        accepted.add(GatewayReadings.deviceTimeKey(gatewayId, probed.serial(), at,
                                BODY_TEMPERATURE_MDC));
                        return false;
                    }
                    refusal.set(response);
                    return true;
                });
                int acceptedWhenFull = stream.accepted().size();
                Thread.sleep(2_000);
                // Full is full: the stream otherwise gets hundreds of readings a second in.
                assertThat(stream.accepted().size() - acceptedWhenFull).as("accepted on a full disk").isLessThan(20);
                healthWhileFull = JSON.readTree(scenario.gateway.get("/health"));
                System.out.printf("DiskFullIT: filler of %d bytes; refusal %s; health %s%n", filler,
                        refusal.get().advanced(), healthWhileFull.path("details").path("buffer"));

                disk.free();
                try {
                    stream.awaitAccepted(200, Duration.ofSeconds(60));
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    scenario.printGatewayLog();
                    throw e;
                }
                stream.close();
                accepted.addAll(stream.accepted());
            }

            CoapResponse refused = refusal.get();
            assertThat(refused.getCode()).isEqualTo(CoAP.ResponseCode.SERVICE_UNAVAILABLE);
            assertThat(refused.getOptions().getMaxAge()).as("Max-Age: when to retry").isPositive();
            assertThat(refused.getResponseText()).contains("full");
            assertThat(healthWhileFull.path("status").asText()).isEqualTo("DOWN");
            assertThat(healthWhileFull.path("details").path("buffer").path("details").path("alarms").toString())
                    .contains("disk full");

            scenario.assertEveryReadingArrives(accepted);
            assertThat(scenario.ledger.duplicates()).as("readings delivered more than once").isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(DiskFullIT::diskFullGap));
            GatewayEvent gap = events.stream().filter(DiskFullIT::diskFullGap).findFirst().orElseThrow();
            assertThat(gap.gatewayId()).isEqualTo(gatewayId);
            assertThat(gap.attributes()).containsEntry("lane", "critical");
            assertThat(Long.parseLong(gap.attributes().get("refusedReadings"))).isPositive();
            assertThat(JSON.readTree(scenario.gateway.get("/health")).path("status").asText()).isEqualTo("UP");
            cloud.disconnect();
            cloud.close();

            scenario.gateway.close();
            assertThat(integrityCheck(disk.root().resolve("buffer.db"))).isEqualTo("ok");
            System.out.printf("DiskFullIT: %d readings accepted, all delivered once; gap event %s%n",
                    accepted.size(), gap.attributes());
        }
    }

    private static boolean diskFullGap(GatewayEvent e) {
        return e.type().equals("gap") && "disk-full".equals(e.attributes().get("reason"));
    }

    /** SQLite's own check of every page, index and constraint of the file. */
    private static String integrityCheck(Path file) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
