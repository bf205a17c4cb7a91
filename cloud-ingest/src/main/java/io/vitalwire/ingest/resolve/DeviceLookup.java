package io.vitalwire.ingest.resolve;

import java.time.Instant;
import java.util.List;

/** What the FHIR server knows about one device identifier, from which the owner of a reading at any time follows. */
public sealed interface DeviceLookup {

    /**
     * The owner of a reading measured at {@code measuredAt} by the device's user {@code userIndex}, or why there is
     * none.
     *
     * @param userIndex the reading's user index ({@code DeviceIdentity.userIndex}); {@code null} when it has none
     */
    Resolution at(Instant measuredAt, Integer userIndex);

    /** The owner of a reading without a user index measured at {@code measuredAt}. */
    default Resolution at(Instant measuredAt) {
        return at(measuredAt, null);
    }

    /** No Device carries the identifier. */
    record Unknown(String identifier) implements DeviceLookup {
        @Override
        public Resolution at(Instant measuredAt, Integer userIndex) {
            return new Resolution.UnknownDevice(identifier);
        }
    }

    /** More than one Device carries the identifier: no reading of it can be given a patient safely. */
    record Ambiguous(String identifier, int devices) implements DeviceLookup {
        @Override
        public Resolution at(Instant measuredAt, Integer userIndex) {
            return new Resolution.ConflictingAssignments(identifier, devices + " Devices carry the identifier");
        }
    }

    /**
     * The Device and its assignment history.
     *
     * @param device         FHIR reference of the Device
     * @param currentPatient {@code Device.patient}: used only for a device without any DeviceUseStatement (devices
     *                       registered before assignments were recorded over time); {@code null} when not set
     * @param history        the Device's assignments; when not empty, they alone decide. When any of them binds a
     *                       user slot the device is multi-user: a reading is resolved only by the assignments of
     *                       its own user index, and a reading without one, or with one no assignment binds at its
     *                       time, is {@link Resolution.UnboundUser} (never the device's other user's). Assignments
     *                       without a slot on a multi-user device bind nobody's readings.
     */
    record Registered(String device, String currentPatient, List<Assignment> history) implements DeviceLookup {

        public Registered {
            history = List.copyOf(history);
        }

        @Override
        public Resolution at(Instant measuredAt, Integer userIndex) {
            if (history.isEmpty()) {
                return currentPatient != null ? new Resolution.Assigned(currentPatient, device)
                        : new Resolution.UnassignedDevice(device, "has no patient");
            }
            if (multiUser()) {
                if (userIndex == null) {
                    return new Resolution.UnboundUser(device, null,
                            "is multi-user and the reading names no user (or the unknown user, 255)");
                }
                List<Assignment> covering = history.stream()
                        .filter(a -> userIndex.equals(a.userIndex()) && a.covers(measuredAt)).toList();
                if (covering.isEmpty()) {
                    return new Resolution.UnboundUser(device, userIndex,
                            "binds no patient to user " + userIndex + " at the reading's time");
                }
                return owner(covering, " of user " + userIndex);
            }
            List<Assignment> covering = history.stream().filter(a -> a.covers(measuredAt)).toList();
            if (covering.isEmpty()) {
                return new Resolution.UnassignedDevice(device, "has no assignment covering the reading's time");
            }
            return owner(covering, "");
        }

        private Resolution owner(List<Assignment> covering, String ofUser) {
            if (covering.stream().map(Assignment::patient).distinct().count() > 1) {
                return new Resolution.ConflictingAssignments(device,
                        covering.size() + " assignments" + ofUser + " to different patients cover the reading's time");
            }
            return new Resolution.Assigned(covering.get(0).patient(), device);
        }

        /** Whether any assignment binds a user slot: then readings are resolved per (device, user index) only. */
        public boolean multiUser() {
            return history.stream().anyMatch(a -> a.userIndex() != null);
        }

        /** Whether any reading could be assigned at all; only such lookups are cached (see PatientResolver). */
        public boolean assignsAnyone() {
            return currentPatient != null || !history.isEmpty();
        }
    }
}
