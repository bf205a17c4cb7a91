package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
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
 * A device handed from one patient to another: assignments over time as DeviceUseStatements on the real FHIR
 * server, readings resolved by their measurement time, and a reassignment honoured within seconds through the
 * FHIR server's history ({@link AssignmentFeed}), long before the cache's TTL.
 */
@MicronautTest
class ReassignmentIT extends StackTest {

    /** Long enough that only the followed history explains a reassignment honoured within seconds. */
    private static final Duration CACHE_TTL = Duration.ofMinutes(10);
    private static final Duration HONOURED_WITHIN = Duration.ofSeconds(8);

    @Inject
    PatientResolver resolver;
    @Inject
    WindowCloser closer;
    @Inject
    QuarantineStore quarantine;

    ReassignmentIT() {
        super("gw-reassign");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.resolve.cache-ttl", CACHE_TTL.toSeconds() + "s",
                "vitalwire.ingest.resolve.change-poll", "300ms", "vitalwire.ingest.window.grace", "0s");
    }

    @Test
    void readingsBeforeAndAfterAReassignment_stayWithThePatientOfTheirTime() throws Exception {
        String former = fixtures.patient();
        String current = fixtures.patient();
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run);
        // Device.patient names only the current patient; the history is in the DeviceUseStatements.
        String device = fixtures.device(scale.serial(), current);
        Instant handover = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)).plusSeconds(30);
        fixtures.assign(device, former, handover.minus(Duration.ofDays(7)), handover);
        fixtures.assign(device, current, handover, null);

        Reading before = GatewayReadings.weight(gateway, scale, handover.minus(Duration.ofMinutes(30)), "81.2");
        Reading atHandover = GatewayReadings.weight(gateway, scale, handover, "81.0");
        Reading after = GatewayReadings.weight(gateway, scale, handover.plus(Duration.ofMinutes(30)), "80.9");
        Reading beforeAnyAssignment = GatewayReadings.weight(gateway, scale, handover.minus(Duration.ofDays(8)),
                "83.0");
        send(List.of(before, atHandover, after, beforeAnyAssignment));

        assertThat(subjectOf(before)).isEqualTo(former);
        assertThat(subjectOf(atHandover)).as("the handover instant belongs to the new assignment").isEqualTo(current);
        assertThat(subjectOf(after)).isEqualTo(current);
        assertThat(quarantine.forReading(beforeAnyAssignment.key())).singleElement()
                .satisfies(e -> {
                    assertThat(e.reason()).isEqualTo(QuarantineReason.UNASSIGNED_DEVICE);
                    assertThat(e.stage()).isEqualTo("resolve");
                    assertThat(e.detail()).isEqualTo(device + " has no assignment covering the reading's time");
                });
        assertThat(fixtures.observations(FhirSystems.READING_KEY, beforeAnyAssignment.key())).isEmpty();
    }

    @Test
    void aStreamWindowSpanningTheHandover_isSplitBetweenThePatients() throws Exception {
        String former = fixtures.patient();
        String current = fixtures.patient();
        DeviceIdentity strap = GatewayReadings.device("HR-" + run);
        String device = fixtures.device(strap.serial(), current);
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));
        Instant handover = minute.plusSeconds(30);
        fixtures.assign(device, former, minute.minus(Duration.ofDays(1)), handover);
        fixtures.assign(device, current, handover, null);
        List<Reading> stream = new ArrayList<>();
        for (int s = 20; s < 40; s++) {
            stream.add(GatewayReadings.heartRate(gateway, strap, minute.plusSeconds(s), s < 30 ? "70" : "90"));
        }
        send(stream);
        closer.closeDue(Instant.now().plusSeconds(1));

        Observation formers = fixtures.observationsOf(former).get(0);
        Observation currents = fixtures.observationsOf(current).get(0);
        assertThat(formers.getValueQuantity().getValue()).isEqualByComparingTo("70");
        assertThat(currents.getValueQuantity().getValue()).isEqualByComparingTo("90");
        assertThat(formers.getEffectivePeriod().getStart()).isEqualTo(currents.getEffectivePeriod().getStart());
        assertThat(formers.getIdentifierFirstRep().getValue())
                .isNotEqualTo(currents.getIdentifierFirstRep().getValue());
        assertThat(formers.getComponentFirstRep().getValueSampledData().getData().split(" "))
                .filteredOn(v -> !v.equals("E")).hasSize(10);
    }

    @Test
    void aReassignmentMadeInFhir_isHonouredWithinSeconds_thoughTheTtlIsTenMinutes() throws Exception {
        String former = fixtures.patient();
        String current = fixtures.patient();
        DeviceIdentity cuff = GatewayReadings.device("CUFF-" + run);
        String device = fixtures.device(cuff.serial(), former);
        String assignment = fixtures.assign(device, former, Instant.now().minus(Duration.ofDays(30)), null);
        Instant measured = Instant.now();
        assertThat(resolver.resolve(cuff, measured)).isEqualTo(new Resolution.Assigned(former, device));

        Instant handover = measured.minusSeconds(60);
        fixtures.end(assignment, handover);
        fixtures.assign(device, current, handover, null);
        Instant changed = Instant.now();

        await().atMost(HONOURED_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(resolver.resolve(cuff, measured)).isEqualTo(new Resolution.Assigned(current, device)));
        assertThat(Duration.between(changed, Instant.now())).isLessThanOrEqualTo(HONOURED_WITHIN);
        assertThat(resolver.resolve(cuff, handover.minusMillis(1))).isEqualTo(new Resolution.Assigned(former,
                device));
    }

    @Test
    void overlappingAssignmentsToDifferentPatients_areAConflict_notAGuess() throws Exception {
        DeviceIdentity scale = GatewayReadings.device("SCALE-" + run + "-X");
        String device = fixtures.device(scale.serial(), null);
        Instant now = Instant.now();
        fixtures.assign(device, fixtures.patient(), now.minus(Duration.ofDays(2)), null);
        fixtures.assign(device, fixtures.patient(), now.minus(Duration.ofDays(1)), null);

        assertThat(resolver.resolve(scale, now.minus(Duration.ofHours(36))))
                .isInstanceOf(Resolution.Assigned.class);
        assertThat(resolver.resolve(scale, now.minus(Duration.ofHours(1))))
                .isInstanceOf(Resolution.ConflictingAssignments.class);
    }

    private String subjectOf(Reading reading) {
        List<Observation> found = fixtures.observations(FhirSystems.READING_KEY, reading.key());
        assertThat(found).as(reading.key()).hasSize(1);
        return found.get(0).getSubject().getReference();
    }
}
