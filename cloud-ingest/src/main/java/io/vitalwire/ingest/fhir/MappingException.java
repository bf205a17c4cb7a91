package io.vitalwire.ingest.fhir;

/** A reading that is valid by the contract but cannot become a profile-conformant Observation. */
public final class MappingException extends Exception {

    public MappingException(String message) {
        super(message);
    }
}
