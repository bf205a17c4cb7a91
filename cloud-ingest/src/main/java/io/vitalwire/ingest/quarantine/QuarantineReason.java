package io.vitalwire.ingest.quarantine;

/** Why cloud-ingest set something aside. A metric label and a column: keep the set closed and the names short. */
public enum QuarantineReason {
    /** The payload or topic broke the contract; the detail says how (see ContractViolation.Reason). */
    CONTRACT_VIOLATION,
    /** The reading's device is not registered (no FHIR Device with its identifier). */
    UNKNOWN_DEVICE,
    /** The device is registered but assigned to no patient, or to none at the time the reading was measured. */
    UNASSIGNED_DEVICE,
    /** The FHIR server names several owners for the reading (overlapping assignments, several Devices). */
    CONFLICTING_ASSIGNMENTS,
    /** The reading passed the contract but cannot be mapped to FHIR (e.g. a unit the profile refuses). */
    UNMAPPABLE,
    /** The FHIR server refused the Observations permanently (4xx other than 409/429); the detail has its answer. */
    FHIR_REJECTED,
    /**
     * InfluxDB refused the reading's points permanently (a field type conflict, a time beyond the retention policy);
     * the reading may be in FHIR all the same.
     */
    INFLUX_REJECTED
}
