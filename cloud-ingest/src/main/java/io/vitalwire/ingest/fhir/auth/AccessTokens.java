package io.vitalwire.ingest.fhir.auth;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The access token for the FHIR server: requested on first use, reused by every thread until shortly before it
 * expires, replaced once when the FHIR server refuses it. One token request at a time: threads that find no usable
 * token wait for the one being fetched instead of each asking the authorization server.
 */
final class AccessTokens {

    private final TokenEndpoint endpoint;
    private final ClientAuthentication client;
    private final String scope;
    private final Clock clock;
    private final Object fetching = new Object();
    private volatile AccessToken current;

    AccessTokens(TokenEndpoint endpoint, ClientAuthentication client, String scope, Clock clock) {
        this.endpoint = endpoint;
        this.client = client;
        this.scope = scope;
        this.clock = clock;
    }

    /** A token to send now. @throws FhirAuthException when none can be had */
    String current() {
        AccessToken token = current;
        if (token != null && token.usableAt(clock.instant())) {
            return token.value();
        }
        synchronized (fetching) {
            token = current;
            if (token == null || !token.usableAt(clock.instant())) {
                token = fetch();
            }
            return token.value();
        }
    }

    /**
     * The FHIR server refused {@code refused}: a token to retry with. A new one unless another thread has already
     * replaced that token, so that a burst of refusals costs one token request.
     */
    String replace(String refused) {
        synchronized (fetching) {
            AccessToken token = current;
            if (token == null || token.value().equals(refused) || !token.usableAt(clock.instant())) {
                token = fetch();
            }
            return token.value();
        }
    }

    private AccessToken fetch() {
        current = null;
        Map<String, String> form = new LinkedHashMap<>();
        Map<String, String> headers = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (!scope.isBlank()) {
            form.put("scope", scope.trim());
        }
        client.addTo(form, headers, clock.instant());
        AccessToken token = endpoint.request(form, headers);
        current = token;
        return token;
    }
}
