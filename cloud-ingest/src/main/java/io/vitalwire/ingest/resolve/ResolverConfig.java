package io.vitalwire.ingest.resolve;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** Patient resolution ({@code vitalwire.ingest.resolve.*}). */
@ConfigurationProperties("vitalwire.ingest.resolve")
public interface ResolverConfig {

    /**
     * How long a device's assignments, once read from the FHIR server, are reused. This bounds how long a change made
     * on the clinical side (a reassignment, an ended assignment) takes to be honoured for newly arriving readings:
     * at most this long. Default 60s.
     */
    @Bindable(defaultValue = "60s")
    Duration getCacheTtl();
}
