package io.vitalwire.ingest.security;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The admin API's own security settings ({@code vitalwire.ingest.security.*}). The token checks themselves are
 * Micronaut Security's keys under {@code micronaut.security.token} (issuer, audience, JWKS, roles claim), which
 * application.yml lists with their defaults.
 */
@ConfigurationProperties("vitalwire.ingest.security")
public interface AdminSecurityConfig {

    /**
     * Whether {@code /prometheus} answers without a token to a scraper on the same host (loopback address), for a
     * Prometheus agent beside the service. Default false: every scrape carries a token with the {@code metrics}
     * role, which opens nothing of the admin API.
     */
    @Bindable(defaultValue = "false")
    boolean isMetricsOpenOnLoopback();
}
