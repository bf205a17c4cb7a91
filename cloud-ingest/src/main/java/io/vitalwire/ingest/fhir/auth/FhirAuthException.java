package io.vitalwire.ingest.fhir.auth;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;

/**
 * cloud-ingest could not get, or the FHIR server would not accept, an access token. It says nothing about the
 * data being written, so it is a {@link FhirClientConnectionException}: the write is retried and the message left
 * unacknowledged as when the server is unreachable, never quarantined as a rejected bundle. Messages name the
 * token URL, the HTTP status and the server's OAuth error, never a secret, assertion or token.
 */
public final class FhirAuthException extends FhirClientConnectionException {

    public FhirAuthException(String message) {
        super(message);
    }

    public FhirAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
