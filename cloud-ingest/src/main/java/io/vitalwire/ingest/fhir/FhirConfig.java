package io.vitalwire.ingest.fhir;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** The FHIR server ({@code vitalwire.ingest.fhir.*}). */
@ConfigurationProperties("vitalwire.ingest.fhir")
public interface FhirConfig {

    /** FHIR R4 base URL. Default {@code http://127.0.0.1:8080/fhir}. */
    @Bindable(defaultValue = "http://127.0.0.1:8080/fhir")
    String getUrl();

    /** Attempts per write before the message is left unacknowledged for redelivery. Default 5. */
    @Bindable(defaultValue = "5")
    int getMaxAttempts();

    /** First retry delay, doubled per attempt. Default 500ms. */
    @Bindable(defaultValue = "500ms")
    Duration getRetryDelay();

    /** Socket timeout of one request. Default 60s (a large transaction on a busy server takes a while). */
    @Bindable(defaultValue = "60s")
    Duration getTimeout();
}
