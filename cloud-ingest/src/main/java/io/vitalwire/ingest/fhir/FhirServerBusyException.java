package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;

/**
 * A FHIR server's 429 or 503 that said how long to stay away ({@code Retry-After}). Still a
 * {@link BaseServerResponseException} of that status, so everything that classifies answers by status treats it as
 * before.
 */
public final class FhirServerBusyException extends BaseServerResponseException {

    private final transient Duration retryAfter;

    FhirServerBusyException(int status, String message, Duration retryAfter) {
        super(status, message);
        this.retryAfter = retryAfter;
    }

    /** The wait the server asked for. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
