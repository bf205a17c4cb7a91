package io.vitalwire.ingest.fhir.auth;

import java.time.Instant;
import java.util.Map;

/** How cloud-ingest proves to the token endpoint that it is the registered client. */
interface ClientAuthentication {

    /** Adds the client's credentials to a token request, as form fields or headers. */
    void addTo(Map<String, String> form, Map<String, String> headers, Instant now);
}
