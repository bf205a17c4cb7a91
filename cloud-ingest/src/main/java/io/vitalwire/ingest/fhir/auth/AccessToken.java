package io.vitalwire.ingest.fhir.auth;

import java.time.Instant;

/**
 * An access token and when to stop using it.
 *
 * @param value     the token; never logged (see {@link #toString()})
 * @param replaceAt when to fetch a new one, shortly before the token expires; {@code null} when the server did not
 *                  say how long it lives: then it is used until the FHIR server refuses it
 */
public record AccessToken(String value, Instant replaceAt) {

    public boolean usableAt(Instant now) {
        return replaceAt == null || now.isBefore(replaceAt);
    }

    /** Without the value: a record's default toString would put the token into any log line that names it. */
    @Override
    public String toString() {
        return "AccessToken[replaceAt=" + replaceAt + "]";
    }
}
