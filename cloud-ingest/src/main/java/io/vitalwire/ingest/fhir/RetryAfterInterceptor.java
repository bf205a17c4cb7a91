package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.client.api.ClientResponseContext;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import io.vitalwire.backoff.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps a FHIR server's {@code Retry-After} on a 429 or 503: HAPI's client turns those answers into exceptions
 * without their headers, so a throttled replica would come back after its own backoff — a second, or whenever the
 * stage works again — however long the server asked it to stay away. Here the answer becomes a
 * {@link FhirServerBusyException} with the wait, which {@link FhirFailures} puts on the failure for the engine to
 * honour (up to its longest backoff).
 */
public final class RetryAfterInterceptor {

    private final Clock clock;

    RetryAfterInterceptor(Clock clock) {
        this.clock = clock;
    }

    @Hook(Pointcut.CLIENT_RESPONSE)
    public void keepRetryAfter(ClientResponseContext context) {
        IHttpResponse response = context.getHttpResponse();
        int status = response.getStatus();
        if (status != 429 && status != 503) {
            return;
        }
        List<String> values = response.getHeaders("Retry-After");
        Optional<Duration> wait = values == null || values.isEmpty() ? Optional.empty()
                : RetryAfter.parse(values.get(0), clock.instant());
        if (wait.isEmpty()) {
            return;
        }
        response.close();
        throw new FhirServerBusyException(status, "HTTP " + status + ", Retry-After " + wait.get().toSeconds() + " s",
                wait.get());
    }
}
