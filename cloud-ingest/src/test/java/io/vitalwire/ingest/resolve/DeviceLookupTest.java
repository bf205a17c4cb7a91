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
}
