package io.vitalwire.ingest.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.security.token.DefaultRolesFinder;
import io.micronaut.security.token.RolesFinder;
import io.micronaut.security.token.config.TokenConfiguration;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Roles from the claim {@code micronaut.security.token.roles-name} names, which may be nested: issuers differ
 * (a top-level {@code roles}, Keycloak's {@code realm_access.roles}, Auth0's namespaced
 * {@code https://example.org/roles}). A claim of exactly that name wins; otherwise the name is a dotted path.
 * The claim holds a list of strings or one string.
 */
@Singleton
@Replaces(DefaultRolesFinder.class)
public class ClaimPathRolesFinder implements RolesFinder {

    private final String claim;

    public ClaimPathRolesFinder(TokenConfiguration tokens) {
        this.claim = tokens.getRolesName();
    }

    @Override
    public List<String> resolveRoles(Map<String, Object> attributes) {
        Object value = attributes.containsKey(claim) ? attributes.get(claim) : atPath(attributes);
        List<String> roles = new ArrayList<>();
        if (value instanceof Iterable<?> many) {
            many.forEach(role -> roles.add(String.valueOf(role)));
        } else if (value instanceof CharSequence one) {
            roles.add(one.toString());
        }
        return roles;
    }

    private Object atPath(Map<String, Object> attributes) {
        Object node = attributes;
        for (String step : claim.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(step);
        }
        return node;
    }
}
