package io.vitalwire.ingest.fhir.auth;

/** How cloud-ingest authenticates to the FHIR server ({@code vitalwire.ingest.fhir.auth.mode}). */
public enum AuthMode {

    /** No authentication: the local or a network-isolated server. */
    NONE,

    /** OAuth 2.0 client credentials grant with a client secret (RFC 6749 §4.4). */
    CLIENT_CREDENTIALS,

    /**
     * SMART Backend Services: the client credentials grant, the client authenticated by a JWT signed with its own
     * private key ({@code private_key_jwt}, RFC 7523): no shared secret travels or sits on the auth server.
     */
    SMART_BACKEND;

    /** As configured: {@code none}, {@code client-credentials}, {@code smart-backend}. */
    public String key() {
        return name().toLowerCase().replace('_', '-');
    }
}
