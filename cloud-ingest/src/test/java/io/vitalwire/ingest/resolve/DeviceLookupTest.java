package io.vitalwire.ingest.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which patient a reading belongs to, given a device's assignments over time. */
class DeviceLookupTest {

    private static final String DEVICE = "Device/d1";
    private static final Instant HANDOVER = Instant.parse("2026-11-20T09:00:00Z");

    private final DeviceLookup.Registered handedOver = new DeviceLookup.Registered(DEVICE, "Patient/b", List.of(
            new Assignment("Patient/a", HANDOVER.minusSeconds(86_400), HANDOVER),
            new Assignment("Patient/b", HANDOVER, null)));

    @Test
    void at_picksTheAssignmentOfTheMeasurementTime() {
        assertThat(handedOver.at(HANDOVER.minusMillis(1))).isEqualTo(new Resolution.Assigned("Patient/a", DEVICE));
        assertThat(handedOver.at(HANDOVER)).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
        assertThat(handedOver.at(HANDOVER.plusSeconds(3600))).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
    }

    @Test
    void at_beforeTheFirstAssignment_isUnassigned_notTheCurrentPatient() {
        assertThat(handedOver.at(HANDOVER.minusSeconds(2 * 86_400)))
                .isInstanceOf(Resolution.UnassignedDevice.class);
    }

    @Test
    void at_overlappingAssignments_conflictOnlyWhenTheyNameDifferentPatients() {
        DeviceLookup.Registered renewed = new DeviceLookup.Registered(DEVICE, null, List.of(
                new Assignment("Patient/a", null, HANDOVER.plusSeconds(60)),
                new Assignment("Patient/a", HANDOVER, null)));
        DeviceLookup.Registered contradicting = new DeviceLookup.Registered(DEVICE, null, List.of(
                new Assignment("Patient/a", null, HANDOVER.plusSeconds(60)),
                new Assignment("Patient/b", HANDOVER, null)));

        assertThat(renewed.at(HANDOVER.plusSeconds(30))).isEqualTo(new Resolution.Assigned("Patient/a", DEVICE));
        assertThat(contradicting.at(HANDOVER.plusSeconds(30)))
                .isInstanceOf(Resolution.ConflictingAssignments.class);
        assertThat(contradicting.at(HANDOVER.plusSeconds(60))).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
    }

    @Test
    void at_withoutAnyAssignment_fallsBackToDevicePatient() {
        assertThat(new DeviceLookup.Registered(DEVICE, "Patient/c", List.of()).at(HANDOVER))
                .isEqualTo(new Resolution.Assigned("Patient/c", DEVICE));
        assertThat(new DeviceLookup.Registered(DEVICE, null, List.of()).at(HANDOVER))
                .isInstanceOf(Resolution.UnassignedDevice.class);
        assertThat(new DeviceLookup.Unknown("sys|x").at(HANDOVER)).isEqualTo(new Resolution.UnknownDevice("sys|x"));
    }

    private final DeviceLookup.Registered familyCuff = new DeviceLookup.Registered(DEVICE, "Patient/a", List.of(
            new Assignment("Patient/a", HANDOVER.minusSeconds(86_400), null, 1),
            new Assignment("Patient/b", HANDOVER.minusSeconds(86_400), HANDOVER, 2),
            new Assignment("Patient/c", HANDOVER, null, 2)));

    @Test
    void at_multiUser_eachUserIndexIsItsOwnPatient() {
        assertThat(familyCuff.multiUser()).isTrue();
        assertThat(familyCuff.at(HANDOVER.plusSeconds(60), 1)).isEqualTo(new Resolution.Assigned("Patient/a", DEVICE));
        assertThat(familyCuff.at(HANDOVER.minusMillis(1), 2)).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
        assertThat(familyCuff.at(HANDOVER, 2)).as("rebound at the handover")
                .isEqualTo(new Resolution.Assigned("Patient/c", DEVICE));
    }

    @Test
    void at_multiUser_anUnboundUser_isNeverAnotherUsersPatient() {
        assertThat(familyCuff.at(HANDOVER, 3)).isEqualTo(new Resolution.UnboundUser(DEVICE, 3,
                "binds no patient to user 3 at the reading's time"));
        assertThat(familyCuff.at(HANDOVER.minusSeconds(2 * 86_400), 1))
                .as("user 1 before their binding").isInstanceOf(Resolution.UnboundUser.class);
    }

    @Test
    void at_multiUser_aReadingWithoutUser_isUnbound_notDevicePatient() {
        assertThat(familyCuff.at(HANDOVER, null)).isInstanceOf(Resolution.UnboundUser.class);
        assertThat(familyCuff.at(HANDOVER)).isInstanceOf(Resolution.UnboundUser.class);
    }

    @Test
    void at_multiUser_aWholeDeviceAssignment_bindsNoUser() {
        DeviceLookup.Registered mixed = new DeviceLookup.Registered(DEVICE, null, List.of(
                new Assignment("Patient/a", null, null),
                new Assignment("Patient/b", null, null, 2)));

        assertThat(mixed.at(HANDOVER, 1)).isInstanceOf(Resolution.UnboundUser.class);
        assertThat(mixed.at(HANDOVER, 2)).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
    }

    @Test
    void at_multiUser_overlappingBindingsOfOneUser_conflict() {
        DeviceLookup.Registered contradicting = new DeviceLookup.Registered(DEVICE, null, List.of(
                new Assignment("Patient/a", null, null, 1),
                new Assignment("Patient/b", HANDOVER, null, 1)));

        assertThat(contradicting.at(HANDOVER, 1)).isInstanceOf(Resolution.ConflictingAssignments.class);
    }

    @Test
    void at_singleUser_ignoresTheReadingsUserIndex() {
        assertThat(handedOver.multiUser()).isFalse();
        assertThat(handedOver.at(HANDOVER, 4)).isEqualTo(new Resolution.Assigned("Patient/b", DEVICE));
    }
}
