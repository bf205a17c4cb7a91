package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import io.vitalwire.ingest.replay.QuarantineReplay;
import io.vitalwire.ingest.replay.ReplayReport;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * A family scale with two users, on the real FHIR server: each user slot bound to its own patient by a
 * DeviceUseStatement carrying the user index, readings resolved by (device, user index) and their time; a user
 * nobody is bound to, and a reading naming no user, are quarantined {@code UNBOUND_USER}, never given to the device's
 * other user.
 */
@MicronautTest
class MultiUserDeviceIT extends StackTest {

    @Inject
    QuarantineStore quarantine;
    @Inject
    QuarantineReplay replay;

    MultiUserDeviceIT() {
        super("gw-multiuser");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of("vitalwire.ingest.resolve.cache-ttl", "1s");
    }

    @Test
    void eachUserOfAFamilyScale_isTheirOwnPatient_andAnUnboundUserIsQuarantined() throws Exception {
        String serial = "FAMILY-SCALE-" + run;
        String alice = fixtures.patient();
        String bob = fixtures.patient();
        // Device.patient names one patient; on a multi-user device it must never decide.
        String device = fixtures.device(serial, alice);
        Instant since = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofDays(7));
        fixtures.assign(device, 1, alice, since, null);
        fixtures.assign(device, 2, bob, since, null);
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

        Reading user1 = GatewayReadings.weight(gateway, user(serial, 1), at, "61.5");
        Reading user2 = GatewayReadings.weight(gateway, user(serial, 2), at, "84.2");
        Reading user3 = GatewayReadings.weight(gateway, user(serial, 3), at, "23.0");
        Reading noUser = GatewayReadings.weight(gateway, user(serial, null), at, "70.0");
        send(List.of(user1, user2, user3, noUser));

        assertThat(subjectOf(user1)).isEqualTo(alice);
        assertThat(subjectOf(user2)).as("user 2's reading is not the device's assigned patient's").isEqualTo(bob);
        assertUnbound(user3, device + " binds no patient to user 3 at the reading's time");
        assertUnbound(noUser, device + " is multi-user and the reading names no user (or the unknown user, 255)");

        // Binding user 3 makes its reading replayable; the reading without a user stays where it is.
        String carol = fixtures.patient();
        fixtures.assign(device, 3, carol, since, null);
        ReplayReport report = replay.replayDevice(serial, "test");
        assertThat(report.replayed()).isEqualTo(1);
        awaitSettled(List.of(user3));
        assertThat(subjectOf(user3)).isEqualTo(carol);
        assertThat(fixtures.observations(FhirSystems.READING_KEY, noUser.key())).isEmpty();
    }

    @Test
    void aUserSlotReboundOverTime_givesEachReadingThePatientOfItsTime() throws Exception {
        String serial = "FAMILY-CUFF-" + run;
        String former = fixtures.patient();
        String current = fixtures.patient();
        String other = fixtures.patient();
        String device = fixtures.device(serial, null);
        Instant handover = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(1)).plusSeconds(30);
        fixtures.assign(device, 2, former, handover.minus(Duration.ofDays(7)), handover);
        fixtures.assign(device, 2, current, handover, null);
        fixtures.assign(device, 1, other, handover.minus(Duration.ofDays(7)), null);

        Reading before = GatewayReadings.weight(gateway, user(serial, 2), handover.minusSeconds(600), "90.1");
        Reading atHandover = GatewayReadings.weight(gateway, user(serial, 2), handover, "72.0");
        Reading after = GatewayReadings.weight(gateway, user(serial, 2), handover.plusSeconds(600), "72.3");
        Reading beforeAnyBinding = GatewayReadings.weight(gateway, user(serial, 2),
                handover.minus(Duration.ofDays(8)), "91.0");
        send(List.of(before, atHandover, after, beforeAnyBinding));

        assertThat(subjectOf(before)).isEqualTo(former);
        assertThat(subjectOf(atHandover)).as("the handover instant belongs to the new binding").isEqualTo(current);
        assertThat(subjectOf(after)).isEqualTo(current);
        assertUnbound(beforeAnyBinding, device + " binds no patient to user 2 at the reading's time");
    }

    private static DeviceIdentity user(String serial, Integer userIndex) {
        return new DeviceIdentity(null, null, serial, null, userIndex);
    }

    private void assertUnbound(Reading reading, String detail) {
        assertThat(quarantine.forReading(reading.key())).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(QuarantineReason.UNBOUND_USER);
            assertThat(e.stage()).isEqualTo("resolve");
            assertThat(e.detail()).isEqualTo(detail + "; replayable once the user is bound");
        });
        assertThat(fixtures.observations(FhirSystems.READING_KEY, reading.key())).isEmpty();
    }

    private String subjectOf(Reading reading) {
        List<Observation> found = fixtures.observations(FhirSystems.READING_KEY, reading.key());
        assertThat(found).as(reading.key()).hasSize(1);
        return found.get(0).getSubject().getReference();
    }
}
