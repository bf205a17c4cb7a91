package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;

/**
 * Lookups kept for as long as the FHIR server's history says nothing about their device changed: with a cache TTL
 * of ten minutes, a deleted assignment or a second Device carrying the identifier is honoured within seconds (a
 * reassignment: {@link ReassignmentIT}), because the resolver follows {@code Device/_history} and {@code DeviceUseStatement/_history};
 * and a kept lookup outlives the TTL without a new search while the feed is followed.
 */
@MicronautTest
class AssignmentFeedIT extends StackTest {

    /** Long enough that only the feed can explain a change honoured within seconds. */
    private static final Duration CACHE_TTL = Duration.ofMinutes(10);
    private static final Duration HONOURED_WITHIN = Duration.ofSeconds(8);

    @Inject
    PatientResolver resolver;
    @Inject
    MeterRegistry metrics;

    AssignmentFeedIT() {
        super("gw-feed");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.resolve.cache-ttl", CACHE_TTL.toMinutes() + "m",
                "vitalwire.ingest.resolve.change-poll", "300ms");
    }

    @Test
    void aDeletedAssignment_isForgotten() {
        String patient = fixtures.patient();
        DeviceIdentity scale = GatewayReadings.device("FEED-SCALE-" + run);
        String device = fixtures.device(scale.serial(), null);
        String assignment = fixtures.assign(device, patient, Instant.now().minus(Duration.ofDays(3)), null);
        Instant measured = Instant.now();
        assertThat(resolver.resolve(scale, measured)).isEqualTo(new Resolution.Assigned(patient, device));

        // A deletion's history entry has no resource: the device it named is read from the version before.
        fhir.delete().resourceById(new IdType(assignment)).execute();

        await().atMost(HONOURED_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(resolver.resolve(scale, measured)).isInstanceOf(Resolution.UnassignedDevice.class));
    }

    @Test
    void anIdentifierASecondDeviceTakes_becomesAConflict() {
        DeviceIdentity thermometer = GatewayReadings.device("FEED-THERMO-" + run);
        String patient = fixtures.patient();
        String device = fixtures.device(thermometer.serial(), patient);
        Instant measured = Instant.now();
        assertThat(resolver.resolve(thermometer, measured)).isEqualTo(new Resolution.Assigned(patient, device));

        fixtures.device(thermometer.serial(), fixtures.patient());

        await().atMost(HONOURED_WITHIN).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(resolver.resolve(thermometer, measured))
                        .isInstanceOf(Resolution.ConflictingAssignments.class));
    }

    @Test
    void aFollowedLookup_isUsedWithoutAnotherSearch_andAPreloadReadsEveryAssignedDevice() {
        String patient = fixtures.patient();
        DeviceIdentity oximeter = GatewayReadings.device("FEED-OXI-" + run);
        String device = fixtures.device(oximeter.serial(), patient);
        DeviceIdentity glucose = GatewayReadings.device("FEED-GLU-" + run);
        String meter = fixtures.device(glucose.serial(), null);
        fixtures.assign(meter, patient, Instant.now().minus(Duration.ofDays(1)), null);
        await().atMost(HONOURED_WITHIN).until(resolver::feedStarted);
        // The devices' creation read from the feed now: applied between the two lookups below, it would rightly
        // forget the first one.
        resolver.followChanges();

        assertThat(resolver.resolve(oximeter, Instant.now())).isEqualTo(new Resolution.Assigned(patient, device));
        double searches = searches();
        assertThat(resolver.resolve(oximeter, Instant.now())).isEqualTo(new Resolution.Assigned(patient, device));
        assertThat(searches()).as("kept, not searched again").isEqualTo(searches);

        // The meter's new assignment read from the feed now, not while the preload reads (which would leave the
        // meter out of it: a change during a preload is re-applied to what it read).
        resolver.followChanges();
        assertThat(resolver.preload()).isGreaterThanOrEqualTo(2);
        double afterPreload = searches();
        assertThat(resolver.resolve(glucose, Instant.now())).isEqualTo(new Resolution.Assigned(patient, meter));
        assertThat(searches()).as("the preload read the meter's assignment").isEqualTo(afterPreload);
    }

    @Test
    void aPreload_leavesOutAnIdentifierTwoDevicesCarry() {
        DeviceIdentity cuff = GatewayReadings.device("FEED-TWICE-" + run);
        fixtures.device(cuff.serial(), fixtures.patient());
        fixtures.device(cuff.serial(), fixtures.patient());
        await().atMost(HONOURED_WITHIN).until(resolver::feedStarted);
        resolver.followChanges();

        resolver.preload();
        double afterPreload = searches();
        assertThat(resolver.resolve(cuff, Instant.now())).as("searched, not a guess from one of the two")
                .isInstanceOf(Resolution.ConflictingAssignments.class);
        assertThat(searches()).isEqualTo(afterPreload + 1);
    }

    private double searches() {
        return metrics.counter("vitalwire.ingest.resolve.searches").count();
    }
}
