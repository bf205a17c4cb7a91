package io.vitalwire.ingest.security;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.IpPatternsRule;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Who may scrape {@code /prometheus}: a token with the {@code metrics} role (or {@code operator}, who reads
 * metrics while investigating), or, only when {@link AdminSecurityConfig#isMetricsOpenOnLoopback()}, any scraper
 * on the same host. A metrics token opens nothing else: the admin API's routes ask for the other roles. Runs
 * before Micronaut's endpoint rule, which would let a non-sensitive endpoint through to anybody.
 */
@Singleton
public class MetricsAccessRule implements SecurityRule<HttpRequest<?>> {

    static final String PATH = "/prometheus";
    static final int ORDER = IpPatternsRule.ORDER - 100;

    private final AdminSecurityConfig config;

    public MetricsAccessRule(AdminSecurityConfig config) {
        this.config = config;
    }

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, Authentication authentication) {
        if (!request.getPath().equals(PATH)) {
            return Publishers.just(SecurityRuleResult.UNKNOWN);
        }
        boolean scraper = authentication != null && (authentication.getRoles().contains(AdminRoles.METRICS)
                || authentication.getRoles().contains(AdminRoles.OPERATOR));
        boolean local = config.isMetricsOpenOnLoopback()
                && request.getRemoteAddress().getAddress().isLoopbackAddress();
        return Publishers.just(scraper || local ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
