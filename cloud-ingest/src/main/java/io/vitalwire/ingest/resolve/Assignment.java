package io.vitalwire.ingest.resolve;

import java.time.Instant;

/**
 * One period during which a device measured one patient: a {@code DeviceUseStatement} with its
 * {@code timingPeriod}, and, on a multi-user device (a family BP cuff or scale), the user slot it binds.
 *
 * @param patient   the FHIR reference of the patient, {@code Patient/…}
 * @param start     first instant of the assignment; {@code null} when open towards the past
 * @param end       the handover instant, itself no longer covered (see {@link #covers}); {@code null} while ongoing
 * @param userIndex the device's user index (0–254) this assignment binds (extension
 *                  {@link io.vitalwire.ingest.fhir.FhirSystems#DEVICE_USER_INDEX}); {@code null} when it binds
 *                  the whole device
 */
public record Assignment(String patient, Instant start, Instant end, Integer userIndex) {

    /** An assignment of the whole device (no user slot). */
    public Assignment(String patient, Instant start, Instant end) {
        this(patient, start, end, null);
    }

    /**
     * Whether a reading measured at {@code at} belongs to this assignment. The end is exclusive, unlike FHIR's
     * inclusive {@code Period.end}: a reassignment writes the same instant as the old period's end and the new one's
     * start, and the reading measured at that very instant must have exactly one owner — the new one.
     */
    public boolean covers(Instant at) {
        return (start == null || !at.isBefore(start)) && (end == null || at.isBefore(end));
    }
}
