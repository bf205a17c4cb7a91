package io.vitalwire.ingest.fhir.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The authorization server's token endpoint: posts a token request (RFC 6749 §4.4, form-encoded) and reads the
 * access token response. Errors name the URL, the HTTP status and the server's OAuth {@code error} and
 * {@code error_description}, never what was sent.
 */
final class TokenEndpoint {

    private static final int MAX_DESCRIPTION = 200;

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration refreshBefore;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    TokenEndpoint(URI url, Duration timeout, Duration refreshBefore, Clock clock) {
        this.url = url;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.timeout = timeout;
        this.refreshBefore = refreshBefore;
        this.clock = clock;
    }

    /** @throws FhirAuthException when the server cannot be reached, refuses, or answers without a bearer token */
    AccessToken request(Map<String, String> form, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(formEncode(form)));
        headers.forEach(request::header);
        // The token's lifetime counts from before the request: never later than the server's own clock started it.
        Instant sent = clock.instant();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FhirAuthException("token request to " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FhirAuthException("interrupted while requesting an access token from " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new FhirAuthException("token request to " + url + " refused: HTTP " + response.statusCode()
                    + oauthError(response.body()));
        }
        return token(response.body(), sent);
    }

    private AccessToken token(String body, Instant sent) {
        JsonNode answer;
        try {
            answer = json.readTree(body);
        } catch (IOException e) {
            throw new FhirAuthException("the token response from " + url + " is not JSON");
        }
        String token = answer.path("access_token").asText("");
        if (token.isEmpty()) {
            throw new FhirAuthException("the token response from " + url + " has no access_token");
        }
        String type = answer.path("token_type").asText("");
        if (!type.equalsIgnoreCase("bearer")) {
            throw new FhirAuthException("the token response from " + url + " has token_type '" + type
                    + "'; only bearer tokens are supported");
        }
        JsonNode expiresIn = answer.path("expires_in");
        if (!expiresIn.canConvertToLong() || expiresIn.asLong() <= 0) {
            return new AccessToken(token, null);
        }
        Duration lifetime = Duration.ofSeconds(expiresIn.asLong());
        Duration early = refreshBefore.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : refreshBefore;
        return new AccessToken(token, sent.plus(lifetime).minus(early));
    }

    /** The server's OAuth error (RFC 6749 §5.2), if the body is one: its code and a bounded description. */
    private String oauthError(String body) {
        try {
            JsonNode error = json.readTree(body);
            String code = error.path("error").asText("");
            if (code.isEmpty()) {
                return "";
            }
            String description = error.path("error_description").asText("").replaceAll("\\p{Cntrl}", " ");
            if (description.length() > MAX_DESCRIPTION) {
                description = description.substring(0, MAX_DESCRIPTION) + "…";
            }
            return " " + code + (description.isEmpty() ? "" : " (" + description + ")");
        } catch (IOException | RuntimeException notJson) {
            return "";
        }
    }

    private static String formEncode(Map<String, String> form) {
        StringJoiner body = new StringJoiner("&");
        form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
        return body.toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
