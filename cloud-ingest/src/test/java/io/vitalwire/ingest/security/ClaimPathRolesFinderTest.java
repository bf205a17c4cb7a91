package io.vitalwire.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.security.token.config.TokenConfiguration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimPathRolesFinderTest {

    @Test
    void resolveRoles_topLevelNestedOrNamespacedClaim() {
        assertThat(finder("roles").resolveRoles(Map.of("roles", List.of("operator", "auditor"))))
                .containsExactly("operator", "auditor");
        assertThat(finder("realm_access.roles").resolveRoles(Map.of("realm_access",
                Map.of("roles", List.of("clinical-admin"))))).containsExactly("clinical-admin");
        assertThat(finder("https://vitalwire.example/roles").resolveRoles(Map.of("https://vitalwire.example/roles",
                "operator"))).containsExactly("operator");
    }

    @Test
    void resolveRoles_missingOrMistyped_isNoRole() {
        assertThat(finder("realm_access.roles").resolveRoles(Map.of("roles", List.of("operator")))).isEmpty();
        assertThat(finder("realm_access.roles").resolveRoles(Map.of("realm_access", "operator"))).isEmpty();
    }

    private static ClaimPathRolesFinder finder(String claim) {
        return new ClaimPathRolesFinder(new TokenConfiguration() {
            @Override
            public String getRolesName() {
                return claim;
            }

            @Override
            public String getNameKey() {
                return "sub";
            }
        });
    }
}
