package io.vitalwire.ingest.fhir.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** A client id and secret (RFC 6749 §2.3.1), sent in HTTP Basic or in the form. */
record ClientSecret(String clientId, String secret, FhirAuthConfig.SecretMethod method)
        implements ClientAuthentication {

    @Override
    public void addTo(Map<String, String> form, Map<String, String> headers, Instant now) {
        if (method == FhirAuthConfig.SecretMethod.POST) {
            form.put("client_id", clientId);
            form.put("client_secret", secret);
        } else {
            // RFC 6749 §2.3.1: both parts form-encoded before Base64, so a ':' in either survives.
            String pair = TokenEndpoint.encode(clientId) + ":" + TokenEndpoint.encode(secret);
            headers.put("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Without the secret: a record's default toString would log it. */
    @Override
    public String toString() {
        return "ClientSecret[clientId=" + clientId + ", method=" + method + "]";
    }
}
