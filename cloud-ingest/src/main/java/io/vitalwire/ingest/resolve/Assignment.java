package io.vitalwire.ingest.resolve;

import java.time.Instant;

/**
 * One period during which a device measured one patient: a {@code DeviceUseStatement} with its
 * {@code timingPeriod}.
 *
 * @param patient the FHIR reference of the patient, {@code Patient/…}
 * @param start   first instant of the assignment; {@code null} when open towards the past
 * @param end     the handover instant, itself no longer covered (see {@link #covers}); {@code null} while ongoing
 */
public record Assignment(String patient, Instant start, Instant end) {

    /**
     * Whether a reading measured at {@code at} belongs to this assignment. The end is exclusive, unlike FHIR's
     * inclusive {@code Period.end}: a reassignment writes the same instant as the old period's end and the new one's
     * start, and the reading measured at that very instant must have exactly one owner — the new one.
     */
    public boolean covers(Instant at) {
        return (start == null || !at.isBefore(start)) && (end == null || at.isBefore(end));
    }
}
