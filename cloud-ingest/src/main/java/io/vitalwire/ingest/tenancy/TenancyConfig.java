package io.vitalwire.ingest.tenancy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** The gateway tenant registry ({@code vitalwire.ingest.tenancy.*}). */
@ConfigurationProperties("vitalwire.ingest.tenancy")
public interface TenancyConfig {

    /**
     * What the first reading of a gateway no registration names does: {@code BIND} (register it under its topic's
     * tenant, audited) or {@code REQUIRE_REGISTRATION} (quarantined until an operator registers the gateway). Default
     * {@code BIND}: gateways are provisioned without a cloud-side step today, and the broker already ties a
     * gateway's topics to its certificate's tenant; the registration then stops a gateway from ever speaking under
     * another tenant, whatever the broker's ACL says later.
     */
    @Bindable(defaultValue = "BIND")
    FirstReading getFirstUse();
}
