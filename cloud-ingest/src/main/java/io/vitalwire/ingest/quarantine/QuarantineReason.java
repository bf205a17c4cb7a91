package io.vitalwire.ingest.quarantine;

/**
 * Why cloud-ingest set something aside. A metric label and a column: keep the set closed and the names short.
 *
 * <p><b>Every reason can be replayed</b> ({@code io.vitalwire.ingest.replay.QuarantineReplay}): a replay runs the
 * entry through the same check it failed, with the current code and configuration, and puts it back into the
 * pipeline only if it passes now; if it fails, the entry stays quarantined with the new detail and the attempt is
 * audited. What differs is what cures a reason ({@link Cure}), and so who replays it: the sweep, for reasons a
 * change of configuration cures; an operator ({@code POST /admin/quarantine/replay?entry=} or {@code ?reason=&limit=}),
 * for the others, once the fix is in; and a person's decision ({@code POST /admin/quarantine/{id}/dismiss},
 * {@code …/resolve}) for what no fix cures.
 */
public enum QuarantineReason {
    /**
     * The payload or topic broke the contract; the detail says how (see ContractViolation.Reason). Replayed by an
     * operator after a fix of the codec (or of the contract): the whole payload is decoded again with the current
     * codec, and a readings batch's readings then each take the consumer's checks ({@link ReadingChecks}) and the
     * inbox like any arriving reading; an events, state or status payload goes to its consumer.
     */
    CONTRACT_VIOLATION(Cure.FIX),
    /** The reading's device is not registered (no FHIR Device with its identifier). Swept once it is. */
    UNKNOWN_DEVICE(Cure.CONFIGURATION),
    /**
     * The device is registered but assigned to no patient, or to none at the time the reading was measured. Swept
     * once it is assigned.
     */
    UNASSIGNED_DEVICE(Cure.CONFIGURATION),
    /**
     * The device is multi-user (a DeviceUseStatement binds a user slot) and no patient is bound to the reading's user
     * index at its time, or the reading names no user (the device sent 255, "unknown user"). Never given to the
     * device's other users; swept once the user is bound.
     */
    UNBOUND_USER(Cure.CONFIGURATION),
    /**
     * The FHIR server names several owners for the reading (overlapping assignments, several Devices). Swept once
     * FHIR is corrected.
     */
    CONFLICTING_ASSIGNMENTS(Cure.CONFIGURATION),
    /**
     * The reading passed the contract but cannot be mapped to FHIR (e.g. a unit the profile refuses). Replayed by an
     * operator after a fix of the mapping: back into the {@code fhir} stage, which maps it again.
     */
    UNMAPPABLE(Cure.FIX),
    /**
     * The FHIR server refused the Observations permanently (4xx other than 409/429); the detail has its answer.
     * Replayed by an operator after a fix (of the mapping, or of the server's profiles): back into the {@code fhir}
     * stage, which writes it again.
     */
    FHIR_REJECTED(Cure.FIX),
    /**
     * InfluxDB refused the reading's points permanently (a field type conflict, a time beyond the retention policy);
     * the reading may be in FHIR all the same. Replayed by an operator after a fix (of the schema, or of the
     * retention policy): back into the {@code influx} stage, which writes it again.
     */
    INFLUX_REJECTED(Cure.FIX),
    /**
     * A reading whose key does not begin with the id of the gateway that sent it (the topic's gateway, which the
     * broker ties to the client certificate): one gateway speaking for another's readings. Set aside by the
     * consumer, before the inbox, so the key is never claimed. Accepting it is never safe — the key is the forgery,
     * and it would claim another gateway's key — so a replay only judges it again (it stays quarantined, the attempt
     * audited); an operator closes it by dismissing it with a note.
     */
    GATEWAY_MISMATCH(Cure.DECISION),
    /**
     * A reading with a value outside the contract's plausibility bounds ({@code io.vitalwire.contract.Plausibility}):
     * what no living patient and no working device produces (an old or foreign gateway's glitch). Set aside by the
     * consumer, before the inbox. Replayed by an operator after a fix of the bounds: judged by the current bounds.
     */
    IMPLAUSIBLE_VALUE(Cure.FIX),
    /**
     * A reading whose {@code measuredAt} or {@code receivedAt} lies outside the contract's plausible times (before
     * 2000, or more than a day ahead of this service's clock): the inbox's PostgreSQL and InfluxDB could not hold
     * some of them at all (year 300000; after 2262), and none is a clock anyone can trust. Set aside by the consumer,
     * before the inbox. Replayed by an operator after a fix of the bounds: judged by the current bounds against the
     * time the entry arrived, not the time of the replay (a reading a week ahead does not become plausible by
     * waiting a week).
     */
    IMPLAUSIBLE_TIME(Cure.FIX),
    /**
     * A reading whose key the inbox holds already with a different measurement (values, codes, device, device time,
     * flags): the payload is the reading that arrived, {@code held_payload} the one the key holds. Somebody must
     * decide which is genuine ({@code POST /admin/quarantine/{id}/resolve}): the held one (the arrived one is
     * dismissed) or the arrived one (it supersedes the held one). A replay only judges it again, with the current
     * comparison against what the key holds: the same measurement now, it is closed as a duplicate; else it stays.
     */
    KEY_CONFLICT(Cure.DECISION),
    /**
     * The reading's device is installed at another gateway than the one that sent it (or, where installations are
     * required, at none); swept once the device is moved to the sending gateway
     * ({@code PUT /admin/devices/{device}/gateway}).
     */
    DEVICE_NOT_AT_GATEWAY(Cure.CONFIGURATION),
    /**
     * PostgreSQL refused to store the reading in the inbox as data (a data exception, a constraint, a program limit:
     * SQLSTATE classes 22, 23, 54; the detail has the SQLSTATE) although it passed the contract. Set aside by the
     * consumer so that it cannot hold back the readings behind it. The fix is in cloud-ingest (a bound the contract
     * should have, a column too narrow), so an operator replays it after the fix: the consumer's checks, then the
     * inbox again; refused again, it stays with the new SQLSTATE.
     */
    INBOX_REFUSED(Cure.FIX),
    /**
     * The reading's topic names another tenant than the one its gateway is registered under (or, where registrations
     * are required, the gateway has none): one tenant's hub speaking into another tenant's records. Checked before
     * the device and its patient. Swept once the gateway is registered under the topic's tenant
     * ({@code PUT /admin/gateways/{id}/tenant}), which a genuine move between tenants does and a forgery never gets.
     */
    TENANT_MISMATCH(Cure.CONFIGURATION);

    /** What cures a reason, and so who replays its entries. */
    public enum Cure {
        /**
         * A change of configuration elsewhere (FHIR assignments, installations, tenant registrations) that nobody
         * tells this service about: the periodic sweep replays these entries, an operator may at once.
         */
        CONFIGURATION,
        /**
         * A fix in code or in a sink's schema: an operator replays the entries after deploying it, per entry or per
         * reason. The sweep leaves them alone: without the fix every replay would fail again.
         */
        FIX,
        /** No fix: a person decides. A replay judges the entry again; the decision closes it. */
        DECISION
    }

    private final Cure cure;

    QuarantineReason(Cure cure) {
        this.cure = cure;
    }

    public Cure cure() {
        return cure;
    }
}
