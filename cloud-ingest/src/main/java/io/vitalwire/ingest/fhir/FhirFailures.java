package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.vitalwire.ingest.fhir.auth.FhirAuthException;
import io.vitalwire.ingest.pipeline.Failure;
import java.io.IOException;

/** Classifies what the FHIR client threw, for the stages that call the FHIR server. */
public final class FhirFailures {

    private FhirFailures() {
    }

    /**
     * Unreachable: no connection. Configuration: the server refused us, not the request (401, 403, a wrong base URL's
     * 404, a proxy's 405/406/415: {@link FhirSink#refusesUs}), or the token
     * endpoint refused to give us a token. Server error: any other answer (5xx, 429, a 409 race that a retry resolves),
     * with the server's {@code Retry-After} when it gave one ({@link FhirServerBusyException}).
     */
    public static Failure of(Throwable thrown) {
        Failure failure = Failure.of(thrown,
                t -> t instanceof FhirClientConnectionException,
                t -> t instanceof BaseServerResponseException,
                t -> t instanceof FhirAuthException && !(t.getCause() instanceof IOException)
                        || t instanceof BaseServerResponseException e && FhirSink.refusesUs(e.getStatusCode()));
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof FhirServerBusyException busy) {
                return failure.withRetryAfter(busy.retryAfter());
            }
        }
        return failure;
    }
}
