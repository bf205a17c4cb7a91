package io.vitalwire.ingest.pipeline;

/**
 * Whose reading it is, as FHIR references: {@code patient} ({@code Patient/…}) through the measuring
 * {@code device} ({@code Device/…}).
 */
public record Owner(String patient, String device) {

    /** The Patient's logical id (the reference without {@code Patient/}): opaque, never a name. */
    public String patientId() {
        return patient.substring(patient.indexOf('/') + 1);
    }
}
