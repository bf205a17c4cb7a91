package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.GatewayEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffer fills while the broker is away: the gateway refuses further packs (5.03, so the devices keep their
 * readings and retry), raises its alarm and records a gap. Nothing it answered 2.04 for is lost, and once the broker
 * is back the gap reaches the cloud as an event.
 */
class BufferCapacityIT {

    /** Room for a few thousand readings: filled within seconds by the test's two thermometers. */
    private static final String MAX_SIZE = "2MB";
    private static final Pattern REFUSED = Pattern.compile(
            "vitalwire_buffer_refused_total\\{[^}]*lane=\"critical\"[^}]*} ([0-9.E]+)");

    @TempDir
    Path dir;

    @Test
    void atCapacity_newReadingsAreRefused_noAcceptedOneIsLost_andTheGapIsReported() throws Exception {
        String gatewayId = "gw-capacity";
        try (FaultScenario scenario = FaultScenario.start(dir, gatewayId,
                Map.of("vitalwire.gateway.buffer.max-size", MAX_SIZE))) {
            List<GatewayEvent> events = new CopyOnWriteArrayList<>();
            MqttClient cloud = scenario.subscribeToEvents(events);
            Set<String> accepted;
            try (ReadingStream stream = scenario.stream()) {
                stream.awaitAccepted(50, Duration.ofSeconds(30));
                scenario.broker.stop();
                scenario.gateway.awaitDisconnected();

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> refusedCritical(scenario) > 0);
                int acceptedAtCapacity = stream.accepted().size();
                Thread.sleep(2_000);
                // At capacity, (almost) nothing more gets in: the stream otherwise takes hundreds a second.
                assertThat(stream.accepted().size() - acceptedAtCapacity).isLessThan(20);

                scenario.broker.start();
                stream.awaitAccepted(50, Duration.ofSeconds(60));
                stream.close();
                accepted = stream.accepted();
            }

            scenario.assertEveryReadingArrives(accepted);
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> e.type().equals("gap")));
            GatewayEvent gap = events.stream().filter(e -> e.type().equals("gap")).findFirst().orElseThrow();
            assertThat(gap.gatewayId()).isEqualTo(gatewayId);
            assertThat(gap.attributes()).containsEntry("lane", "critical").containsEntry("reason", "capacity");
            assertThat(Long.parseLong(gap.attributes().get("refusedReadings"))).isPositive();
            System.out.printf("BufferCapacityIT: %d readings accepted, %.0f refused at capacity, gap event %s%n",
                    accepted.size(), refusedCritical(scenario), gap.attributes());
            cloud.disconnect();
            cloud.close();
        }
    }

    private static double refusedCritical(FaultScenario scenario) throws Exception {
        Matcher m = REFUSED.matcher(scenario.gateway.get("/prometheus"));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
