package io.vitalwire.ingest.resolve;

/** Whose reading it is: a patient (through the measuring Device), or why that is not known. */
public sealed interface Resolution {

    /** The device is registered and assigned: {@code patient} and {@code device} are FHIR references. */
    record Assigned(String patient, String device) implements Resolution {

        /** The Patient's logical id (the reference without {@code Patient/}). */
        public String patientId() {
            return patient.substring(patient.indexOf('/') + 1);
        }
    }

    /** No Device resource carries the reading's device identifier. */
    record UnknownDevice(String identifier) implements Resolution {
    }

    /** The Device exists but no patient owns the reading: none assigned, or none at the time it was measured. */
    record UnassignedDevice(String device, String why) implements Resolution {
    }

    /**
     * The device is multi-user (some assignment binds a user slot) and no assignment binds the reading's user index
     * at the time it was measured, or the reading carries no user index (the device sent 255, "unknown user"). Never
     * given to the device's other users.
     *
     * @param userIndex the reading's user index; {@code null} when it has none
     */
    record UnboundUser(String device, Integer userIndex, String why) implements Resolution {
    }

    /** The FHIR server's data contradicts itself about the owner (overlapping assignments, duplicate Devices). */
    record ConflictingAssignments(String device, String why) implements Resolution {
    }
}
