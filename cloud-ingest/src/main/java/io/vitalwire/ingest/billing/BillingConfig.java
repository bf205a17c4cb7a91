package io.vitalwire.ingest.billing;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/** RPM billing ({@code vitalwire.ingest.billing.*}); the codes' thresholds are {@link BillingCode}s. */
@ConfigurationProperties("vitalwire.ingest.billing")
public interface BillingConfig {

    /**
     * The time zone (IANA name) of patients for whom neither the patient nor the organization has one set through the
     * admin API. Default UTC: set it, or the organizations' zones, before the first reading of a clinic outside UTC,
     * since a day is counted in the zone in force when its reading is handled.
     */
    @Bindable(defaultValue = "UTC")
    String getDefaultZone();

    /** Length of a billing period in days (CMS: each 30 days). Default 30. */
    @Bindable(defaultValue = "30")
    int getPeriodDays();
}
