package io.vitalwire.ingest.fhir;

/** The FHIR server refused a write for good: retrying the same bundle cannot succeed. */
public final class FhirRejectedException extends Exception {

    private final int status;

    public FhirRejectedException(int status, String message) {
        super("HTTP " + status + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
