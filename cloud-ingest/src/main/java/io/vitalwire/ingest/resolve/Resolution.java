package io.vitalwire.ingest.resolve;

/** Whose reading it is: a patient (through the measuring Device), or why that is not known. */
public sealed interface Resolution {

    /** The device is registered and assigned: {@code patient} and {@code device} are FHIR references. */
    record Assigned(String patient, String device) implements Resolution {
    }

    /** No Device resource carries the reading's device identifier. */
    record UnknownDevice(String identifier) implements Resolution {
    }

    /** The Device exists but names no patient. */
    record UnassignedDevice(String device) implements Resolution {
    }
}
