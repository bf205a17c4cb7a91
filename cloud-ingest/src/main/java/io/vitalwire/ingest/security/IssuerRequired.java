package io.vitalwire.ingest.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.context.exceptions.ConfigurationException;

/**
 * Refuses to start with signing keys configured but no issuer to check: Micronaut would then take a token from
 * anyone who holds a key of that JWKS, whatever issuer they claim (a shared IdP serves many applications).
 */
@Context
public class IssuerRequired {

    static final String SIGNATURES = "micronaut.security.token.jwt.signatures";
    static final String ISSUER = "micronaut.security.token.jwt.claims-validators.issuer";

    public IssuerRequired(Environment environment) {
        boolean keys = environment.containsProperties(SIGNATURES);
        boolean issuer = environment.getProperty(ISSUER, String.class).filter(s -> !s.isBlank()).isPresent();
        if (keys && !issuer) {
            throw new ConfigurationException(ISSUER + " is not set: the admin API would accept any issuer's tokens "
                    + "signed with a key of " + SIGNATURES);
        }
    }
}
