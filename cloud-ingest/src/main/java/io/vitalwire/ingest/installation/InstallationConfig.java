package io.vitalwire.ingest.installation;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** The device installation registry ({@code vitalwire.ingest.installation.*}). */
@ConfigurationProperties("vitalwire.ingest.installation")
public interface InstallationConfig {

    /**
     * What the first assigned reading of a device that no installation names does: {@code BIND} (trust on first use,
     * audited, with an operator alarm) or {@code REQUIRE_INSTALLATION} (quarantined until an operator installs the
     * device). Default {@code BIND}: today's gateways are set up without an installation step, and the binding still
     * stops every other hub from speaking for the device afterwards.
     */
    @Bindable(defaultValue = "BIND")
    FirstUse getFirstUse();
}
