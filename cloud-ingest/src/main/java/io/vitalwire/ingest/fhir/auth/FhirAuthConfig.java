package io.vitalwire.ingest.fhir.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Authentication to the FHIR server ({@code vitalwire.ingest.fhir.auth.*}): an OAuth 2.0 access token, sent as
 * {@code Authorization: Bearer} on every request. Which keys a mode needs is checked at start-up.
 */
@ConfigurationProperties("vitalwire.ingest.fhir.auth")
public interface FhirAuthConfig {

    /** {@code none}, {@code client-credentials} or {@code smart-backend}. Default {@code none} (the local server). */
    @Bindable(defaultValue = "none")
    AuthMode getMode();

    /**
     * The authorization server's token endpoint. Required by both OAuth modes; with {@code smart-backend} it is also
     * the client assertion's {@code aud}, so it must be the URL exactly as the server registered it (its
     * {@code .well-known/smart-configuration} {@code token_endpoint}). Default: none.
     */
    Optional<URI> getTokenUrl();

    /** The client id the authorization server registered for cloud-ingest. Required by both OAuth modes. */
    Optional<String> getClientId();

    /**
     * {@code client-credentials} only: the client secret. Give it through the environment
     * ({@code VITALWIRE_INGEST_FHIR_AUTH_CLIENT_SECRET}), never in a file under version control. Default: none.
     */
    Optional<String> getClientSecret();

    /**
     * {@code client-credentials} only: how the secret is sent, {@code basic} (HTTP Basic, which every OAuth server
     * must accept) or {@code post} (form fields {@code client_id}/{@code client_secret}). Default {@code basic}.
     */
    @Bindable(defaultValue = "basic")
    SecretMethod getClientSecretMethod();

    /**
     * The scopes to request, space-separated as OAuth writes them. Default: what cloud-ingest does with FHIR —
     * writes Observations (conditional create and update, which search first), reads Devices with their
     * DeviceUseStatements: {@code system/Observation.read system/Observation.write system/Device.read
     * system/DeviceUseStatement.read}. Empty: the server's default scopes for the client.
     */
    @Bindable(defaultValue = "system/Observation.read system/Observation.write system/Device.read "
            + "system/DeviceUseStatement.read")
    String getScope();

    /**
     * {@code smart-backend} only: the client's private key, PEM, unencrypted PKCS#8
     * ({@code -----BEGIN PRIVATE KEY-----}), mode 0600. RSA (at least 2048 bits) signs with RS384, EC P-384 with
     * ES384: the two algorithms SMART requires servers to support. Default: none.
     */
    Optional<Path> getPrivateKeyFile();

    /**
     * {@code smart-backend} only: the {@code kid} of that key in the JWK Set registered with the authorization
     * server, which picks the public key to verify the assertion with. Default: none.
     */
    Optional<String> getKeyId();

    /**
     * {@code smart-backend} only: how long a client assertion is valid ({@code exp}). SMART allows at most 5
     * minutes; the default 4m leaves a minute for this host's clock running ahead of the server's. Each assertion is
     * used once (a fresh {@code jti} per token request).
     */
    @Bindable(defaultValue = "4m")
    Duration getAssertionLifetime();

    /**
     * An access token is replaced this long before it expires ({@code expires_in}), so that no request leaves with
     * a token about to lapse; for tokens living less than twice this, at half their lifetime. Default 30s.
     */
    @Bindable(defaultValue = "30s")
    Duration getRefreshBefore();

    /** Connect and response timeout of a token request. Default 10s. */
    @Bindable(defaultValue = "10s")
    Duration getTimeout();

    /** How the client secret is presented to the token endpoint (RFC 6749 §2.3.1). */
    enum SecretMethod {
        /** {@code Authorization: Basic} with the form-encoded client id and secret. */
        BASIC,
        /** {@code client_id} and {@code client_secret} in the request body. */
        POST
    }
}
