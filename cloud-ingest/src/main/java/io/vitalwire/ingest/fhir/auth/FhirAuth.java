package io.vitalwire.ingest.fhir.auth;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.vitalwire.mqtt.tls.PemFiles;
import io.vitalwire.privacy.SecretFile;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication to the FHIR server, as configured ({@link FhirAuthConfig}): nothing for {@code none}, else a
 * {@link BearerTokenInterceptor} on the FHIR client. Everything a mode needs is checked, and a SMART key read, at
 * start-up, where an operator sees the error; the first token is requested with the first FHIR request, so that a
 * briefly unreachable authorization server does not stop the service from starting.
 */
@Singleton
public class FhirAuth {

    private static final Logger LOG = LoggerFactory.getLogger(FhirAuth.class);

    private final Optional<BearerTokenInterceptor> interceptor;

    public FhirAuth(FhirAuthConfig config) {
        this(config, Clock.systemUTC());
    }

    FhirAuth(FhirAuthConfig config, Clock clock) {
        this.interceptor = switch (config.getMode()) {
            case NONE -> Optional.empty();
            case CLIENT_CREDENTIALS -> Optional.of(interceptor(config, clientSecret(config), clock));
            case SMART_BACKEND -> Optional.of(interceptor(config, privateKeyJwt(config), clock));
        };
    }

    /** Registers the authentication on a FHIR client; with mode {@code none} the client is left as it is. */
    public void apply(IGenericClient client) {
        interceptor.ifPresent(client::registerInterceptor);
    }

    private static BearerTokenInterceptor interceptor(FhirAuthConfig config, ClientAuthentication client,
                                                      Clock clock) {
        URI tokenUrl = required(config.getTokenUrl(), "token-url", config);
        if (!"https".equalsIgnoreCase(tokenUrl.getScheme()) && !isLoopback(tokenUrl)) {
            LOG.warn("the FHIR token URL {} is not https: client credentials and tokens travel unencrypted",
                    tokenUrl);
        }
        TokenEndpoint endpoint = new TokenEndpoint(tokenUrl, config.getTimeout(), config.getRefreshBefore(), clock);
        LOG.info("FHIR server authentication: {} as client {} at {}", config.getMode().key(),
                required(config.getClientId(), "client-id", config), tokenUrl);
        return new BearerTokenInterceptor(new AccessTokens(endpoint, client, config.getScope(), clock));
    }

    private static ClientSecret clientSecret(FhirAuthConfig config) {
        return new ClientSecret(required(config.getClientId(), "client-id", config),
                required(config.getClientSecret(), "client-secret", config), config.getClientSecretMethod());
    }

    private static PrivateKeyJwt privateKeyJwt(FhirAuthConfig config) {
        Path keyFile = required(config.getPrivateKeyFile(), "private-key-file", config);
        SecretFile.requirePrivate("the SMART client private key", keyFile);
        try {
            PrivateKeyJwt jwt = new PrivateKeyJwt(required(config.getClientId(), "client-id", config),
                    required(config.getTokenUrl(), "token-url", config), required(config.getKeyId(), "key-id", config),
                    PemFiles.privateKey("SMART client private key", keyFile), config.getAssertionLifetime());
            LOG.info("SMART client assertions signed {} with key {}", jwt.algorithm(), config.getKeyId().get());
            return jwt;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("SMART client private key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static <T> T required(Optional<T> value, String key, FhirAuthConfig config) {
        return value.orElseThrow(() -> new IllegalStateException("vitalwire.ingest.fhir.auth." + key
                + " is required with vitalwire.ingest.fhir.auth.mode " + config.getMode().key()));
    }

    private static boolean isLoopback(URI url) {
        String host = url.getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }
}
