package io.vitalwire.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.ingest.fhir.WindowCloser;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * Quarantine and replay end to end: readings of a device FHIR does not know (or has not assigned) are quarantined,
 * listed through the admin API, and replayed — manually or by the sweep — once the device is assigned in FHIR:
 * each exactly once, and still explainable.
 */
@MicronautTest
class QuarantineReplayIT extends StackTest {

    @Inject
    QuarantineReplay replay;
    @Inject
    WindowCloser closer;
    @Inject
    MeterRegistry metrics;

    QuarantineReplayIT() {
        super("gw-replay");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.window.grace", "0s");
    }

    @Test
    void anUnknownDevicesReadings_areReplayedExactlyOnce_afterItIsAssigned() throws Exception {
        DeviceIdentity stranger = GatewayReadings.device("STRANGER-" + run);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(90));
        Reading weight = GatewayReadings.weight(gateway, stranger, at, "72.4");
        List<Reading> message = new ArrayList<>(List.of(weight));
        for (int s = 1; s <= 3; s++) {
            message.add(GatewayReadings.heartRate(gateway, stranger, at.plusSeconds(s), "6" + s));
        }
        send(message);
        // Redelivered: the inbox holds one entry per reading key, so nothing is quarantined a second time.
        send(message);

        JsonNode page1 = admin.get("/admin/quarantine?device=" + stranger.serial() + "&reason=UNKNOWN_DEVICE&limit=3");
        assertThat(page1.get("entries")).hasSize(3);
        assertThat(page1.at("/entries/0/reason").asText()).isEqualTo("UNKNOWN_DEVICE");
        assertThat(page1.at("/entries/0/device").asText()).isEqualTo(stranger.serial());
        assertThat(page1.at("/entries/0/replayedAt").isNull()).isTrue();
        assertThat(page1.at("/entries/0").has("payload")).as("values stay out of the admin API").isFalse();
        JsonNode page2 = admin.get("/admin/quarantine?device=" + stranger.serial() + "&reason=UNKNOWN_DEVICE&limit=3"
                + "&before=" + page1.get("next").asLong());
        assertThat(page2.get("entries")).hasSize(1);
        assertThat(page2.get("next").isNull()).isTrue();
        assertThat(admin.explain(weight.key()).at("/inbox/stages/0/outcome").asText())
                .isEqualTo("quarantined UNKNOWN_DEVICE");
        assertThat(admin.get("/admin/quarantine?device=" + stranger.serial() + "&reason=UNASSIGNED_DEVICE")
                .get("entries")).isEmpty();
        assertThat(admin.explain(weight.key()).get("outcome").asText()).isEqualTo("quarantined");

        String patient = fixtures.patient();
        String device = fixtures.device(stranger.serial(), null);
        fixtures.assign(device, patient, at.minus(Duration.ofDays(1)), null);
        double requeuedBefore = replayed("requeued");
        JsonNode report = admin.post("/admin/quarantine/replay?device=" + stranger.serial());

        assertThat(report.get("examined").asInt()).isEqualTo(4);
        assertThat(report.get("replayed").asInt()).isEqualTo(4);
        assertThat(report.get("waiting").asInt()).isZero();
        assertThat(replayed("requeued") - requeuedBefore).as("back into the inbox, not written by the replay")
                .isEqualTo(4);
        awaitSettled(message);
        List<Observation> delivered = fixtures.observations(FhirSystems.READING_KEY, weight.key());
        assertThat(delivered).hasSize(1);
        assertThat(delivered.get(0).getSubject().getReference()).isEqualTo(patient);
        assertThat(closer.closeDue(Instant.now().plusSeconds(1))).isEqualTo(1);
        List<Observation> all = fixtures.observationsOf(patient);
        assertThat(all).as("the weight and one window of the three heart-rate samples").hasSize(2);

        JsonNode trail = admin.explain(weight.key());
        String observation = "Observation/" + delivered.get(0).getIdElement().getIdPart();
        assertThat(trail.get("outcome").asText()).isEqualTo("delivered");
        assertThat(trail.get("observations")).extracting(JsonNode::asText).containsExactly(observation);
        assertThat(trail.get("quarantine")).hasSize(1).allSatisfy(q -> {
            assertThat(q.get("reason").asText()).isEqualTo("UNKNOWN_DEVICE");
            assertThat(q.get("replayedAt").isNull()).isFalse();
            assertThat(q.get("replayResult").asText()).isEqualTo("back in the inbox: resolve");
        });
        // The replayed reading went the way of every reading: every stage, with its outcome in the trail.
        assertThat(trail.at("/inbox/stages")).extracting(st -> st.get("stage").asText() + " "
                + st.get("state").asText()).containsExactly("resolve done", "fhir done", "influx done", "rules done");
        assertThat(trail.at("/inbox/stages/1/outcome").asText()).isEqualTo("delivered " + observation);
        JsonNode sampleTrail = admin.explain(message.get(2).key());
        assertThat(sampleTrail.get("outcome").asText()).isEqualTo("delivered");
        assertThat(sampleTrail.at("/window/status").asText()).isEqualTo("written");
        assertThat(sampleTrail.at("/quarantine/0/replayResult").asText()).isEqualTo("back in the inbox: resolve");
        assertThat(sampleTrail.at("/inbox/stages/1/outcome").asText()).startsWith("windowed in window ");
        assertThat(sampleTrail.get("influxPoints").asLong()).isEqualTo(1);

        JsonNode again = admin.post("/admin/quarantine/replay?device=" + stranger.serial());
        assertThat(again.get("examined").asInt()).as("nothing awaits replay any more").isZero();
        assertThat(fixtures.observations(FhirSystems.READING_KEY, weight.key())).hasSize(1);
        assertThat(admin.get("/admin/quarantine?device=" + stranger.serial()).get("entries"))
                .allSatisfy(q -> assertThat(q.get("replayedAt").isNull()).isFalse());
    }

    @Test
    void theSweep_replaysAnUnassignedDevice_onceAssigned_andLeavesReadingsNoAssignmentCovers() throws Exception {
        DeviceIdentity cuff = GatewayReadings.device("CUFF-" + run);
        String device = fixtures.device(cuff.serial(), null);
        Instant assignedFrom = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        Reading covered = GatewayReadings.weight(gateway, cuff, assignedFrom.plus(Duration.ofMinutes(10)), "70.0");
        Reading uncovered = GatewayReadings.weight(gateway, cuff, assignedFrom.minus(Duration.ofMinutes(10)), "70.5");
        send(List.of(covered, uncovered));
        assertThat(admin.explain(covered.key()).at("/quarantine/0/reason").asText())
                .isEqualTo("UNASSIGNED_DEVICE");

        ReplayReport unassigned = replay.sweep();
        assertThat(unassigned.replayed()).isZero();
        assertThat(unassigned.waiting()).isGreaterThanOrEqualTo(2);

        String patient = fixtures.patient();
        fixtures.assign(device, patient, assignedFrom, null);
        replay.sweep();
        awaitSettled(List.of(covered));

        assertThat(fixtures.observations(FhirSystems.READING_KEY, covered.key())).singleElement()
                .satisfies(o -> assertThat(o.getSubject().getReference()).isEqualTo(patient));
        assertThat(fixtures.observations(FhirSystems.READING_KEY, uncovered.key())).isEmpty();
        JsonNode waiting = admin.explain(uncovered.key());
        assertThat(waiting.get("outcome").asText()).isEqualTo("quarantined");
        assertThat(waiting.at("/quarantine/0/replayedAt").isNull()).isTrue();
        assertThat(admin.explain(covered.key()).at("/quarantine/0/replayResult").asText())
                .isEqualTo("back in the inbox: resolve");
        assertThat(admin.explain(covered.key()).at("/inbox/stages/1/outcome").asText()).startsWith("delivered ");
    }

    @Test
    void theListing_refusesAnUnknownReasonAndAnAbsurdPage() throws Exception {
        assertThat(admin.status("/admin/quarantine?reason=BOGUS")).isEqualTo(400);
        assertThat(admin.status("/admin/quarantine?limit=0")).isEqualTo(400);
        assertThat(admin.status("/admin/quarantine?limit=100000")).isEqualTo(400);
    }

    private double replayed(String outcome) {
        Counter c = metrics.find("vitalwire.ingest.quarantine.replayed").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }
}
