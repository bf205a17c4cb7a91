package io.vitalwire.ingest.resolve;

import java.time.Instant;
import java.util.List;

/** What the FHIR server knows about one device identifier, from which the owner of a reading at any time follows. */
public sealed interface DeviceLookup {

    /** The owner of a reading measured at {@code measuredAt}, or why there is none. */
    Resolution at(Instant measuredAt);

    /** No Device carries the identifier. */
    record Unknown(String identifier) implements DeviceLookup {
        @Override
        public Resolution at(Instant measuredAt) {
            return new Resolution.UnknownDevice(identifier);
        }
    }

    /** More than one Device carries the identifier: no reading of it can be given a patient safely. */
    record Ambiguous(String identifier, int devices) implements DeviceLookup {
        @Override
        public Resolution at(Instant measuredAt) {
            return new Resolution.ConflictingAssignments(identifier, devices + " Devices carry the identifier");
        }
    }

    /**
     * The Device and its assignment history.
     *
     * @param device         FHIR reference of the Device
     * @param currentPatient {@code Device.patient}: used only for a device without any DeviceUseStatement (devices
     *                       registered before assignments were recorded over time); {@code null} when not set
     * @param history        the Device's assignments; when not empty, they alone decide
     */
    record Registered(String device, String currentPatient, List<Assignment> history) implements DeviceLookup {

        public Registered {
            history = List.copyOf(history);
        }

        @Override
        public Resolution at(Instant measuredAt) {
            if (history.isEmpty()) {
                return currentPatient != null ? new Resolution.Assigned(currentPatient, device)
                        : new Resolution.UnassignedDevice(device, "has no patient");
            }
            List<Assignment> covering = history.stream().filter(a -> a.covers(measuredAt)).toList();
            if (covering.isEmpty()) {
                return new Resolution.UnassignedDevice(device, "has no assignment covering the reading's time");
            }
            if (covering.stream().map(Assignment::patient).distinct().count() > 1) {
                return new Resolution.ConflictingAssignments(device,
                        covering.size() + " assignments to different patients cover the reading's time");
            }
            return new Resolution.Assigned(covering.get(0).patient(), device);
        }

        /** Whether any reading could be assigned at all; only such lookups are cached (see PatientResolver). */
        public boolean assignsAnyone() {
            return currentPatient != null || !history.isEmpty();
        }
    }
}
