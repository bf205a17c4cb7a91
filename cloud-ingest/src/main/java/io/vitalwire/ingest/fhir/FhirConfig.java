package io.vitalwire.ingest.fhir;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The FHIR server ({@code vitalwire.ingest.fhir.*}). Writes make one attempt each; retries are the inbox's, with the
 * shared backoff of {@code vitalwire.ingest.inbox.retry-delay} and {@code max-retry-delay}.
 */
@ConfigurationProperties("vitalwire.ingest.fhir")
public interface FhirConfig {

    /** FHIR R4 base URL. Default {@code http://127.0.0.1:8080/fhir}. */
    @Bindable(defaultValue = "http://127.0.0.1:8080/fhir")
    String getUrl();

    /** Socket timeout of one request. Default 60s (a large transaction on a busy server takes a while). */
    @Bindable(defaultValue = "60s")
    Duration getTimeout();
}
