package io.vitalwire.ingest.quarantine;

/** Why cloud-ingest set something aside. A metric label and a column: keep the set closed and the names short. */
public enum QuarantineReason {
    /** The payload or topic broke the contract; the detail says how (see ContractViolation.Reason). */
    CONTRACT_VIOLATION,
    /** The reading's device is not registered (no FHIR Device with its identifier). */
    UNKNOWN_DEVICE,
    /** The device is registered but assigned to no patient, or to none at the time the reading was measured. */
    UNASSIGNED_DEVICE,
    /**
     * The device is multi-user (a DeviceUseStatement binds a user slot) and no patient is bound to the reading's user
     * index at its time, or the reading names no user (the device sent 255, "unknown user"). Never given to the
     * device's other users; replayable once the user is bound.
     */
    UNBOUND_USER,
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
    INFLUX_REJECTED,
    /**
     * A reading whose key does not begin with the id of the gateway that sent it (the topic's gateway, which the
     * broker ties to the client certificate): one gateway speaking for another's readings. Not replayable: the key is
     * the forgery. Set aside by the consumer, before the inbox, so the key is never claimed.
     */
    GATEWAY_MISMATCH,
    /**
     * A reading with a value outside the contract's plausibility bounds ({@code io.vitalwire.contract.Plausibility}):
     * what no living patient and no working device produces (an old or foreign gateway's glitch). Set aside by the
     * consumer, before the inbox; not replayable: the value is the fault.
     */
    IMPLAUSIBLE_VALUE,
    /**
     * A reading whose {@code measuredAt} or {@code receivedAt} lies outside the contract's plausible times (before
     * 2000, or more than a day ahead of this service's clock): the inbox's PostgreSQL and InfluxDB could not hold
     * some of them at all (year 300000; after 2262), and none is a clock anyone can trust. Set aside by the consumer,
     * before the inbox; not replayable.
     */
    IMPLAUSIBLE_TIME,
    /**
     * A reading whose key the inbox holds already with a different measurement (values, codes, device, device time,
     * flags): the payload is the reading that arrived, {@code held_payload} the one the key holds. Not replayable:
     * somebody must decide which is genuine.
     */
    KEY_CONFLICT,
    /**
     * The reading's device is installed at another gateway than the one that sent it (or, where installations are
     * required, at none); replayable once the device is moved to the sending gateway
     * ({@code PUT /admin/devices/{device}/gateway}).
     */
    DEVICE_NOT_AT_GATEWAY,
    /**
     * PostgreSQL refused to store the reading in the inbox as data (a data exception, a constraint, a program limit:
     * SQLSTATE classes 22, 23, 54; the detail has the SQLSTATE) although it passed the contract. Set aside by the
     * consumer so that it cannot hold back the readings behind it. Not replayed by the sweep, which would be refused
     * again: the fix is in cloud-ingest (a bound the contract should have, a column too narrow).
     */
    INBOX_REFUSED,
    /**
     * The reading's topic names another tenant than the one its gateway is registered under (or, where registrations
     * are required, the gateway has none): one tenant's hub speaking into another tenant's records. Checked before
     * the device and its patient. Replayable once the gateway is registered under the topic's tenant
     * ({@code PUT /admin/gateways/{id}/tenant}), which a genuine move between tenants does and a forgery never gets.
     */
    TENANT_MISMATCH
}
