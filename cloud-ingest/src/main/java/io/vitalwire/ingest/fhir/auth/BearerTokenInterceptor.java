package io.vitalwire.ingest.fhir.auth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.ClientResponseContext;
import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Puts {@code Authorization: Bearer <access token>} on every request of the FHIR client, and answers a 401 by
 * replacing the token once and sending the same request again: a token revoked, or expired earlier than announced,
 * costs one token request, not a failed write. A 401 to a newly issued token is a {@link FhirAuthException}
 * (retried later like an unreachable server), never a rejection of the data.
 */
public final class BearerTokenInterceptor implements IClientInterceptor {

    private static final String AUTHORIZATION = "Authorization";
    private static final String BEARER = "Bearer ";

    private final AccessTokens tokens;

    BearerTokenInterceptor(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void interceptRequest(IHttpRequest request) {
        authorize(request, tokens.current());
    }

    /** Nothing: a refused token is handled in {@link #retryUnauthorized}, which can also resend the request. */
    @Override
    public void interceptResponse(IHttpResponse response) {
    }

    /** On a 401: one new token, one more attempt; the second answer is the request's answer. */
    @Hook(Pointcut.CLIENT_RESPONSE)
    public void retryUnauthorized(ClientResponseContext context) throws IOException {
        if (context.getHttpResponse().getStatus() != 401) {
            return;
        }
        IHttpRequest request = context.getHttpRequest();
        context.getHttpResponse().close();
        authorize(request, tokens.replace(sentToken(request.getAllHeaders())));
        IHttpResponse retried = request.execute();
        if (retried.getStatus() == 401) {
            String challenge = String.join(", ", retried.getHeaders("WWW-Authenticate"));
            retried.close();
            throw new FhirAuthException("the FHIR server refused a newly issued access token (HTTP 401"
                    + (challenge.isEmpty() ? "" : ", " + challenge) + "): check that it accepts tokens of this "
                    + "authorization server and the client's scopes");
        }
        context.setHttpResponse(retried);
    }

    private static void authorize(IHttpRequest request, String token) {
        request.removeHeaders(AUTHORIZATION);
        request.addHeader(AUTHORIZATION, BEARER + token);
    }

    private static String sentToken(Map<String, List<String>> headers) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(AUTHORIZATION)) {
                for (String value : header.getValue()) {
                    if (value.startsWith(BEARER)) {
                        return value.substring(BEARER.length());
                    }
                }
            }
        }
        return "";
    }
}
