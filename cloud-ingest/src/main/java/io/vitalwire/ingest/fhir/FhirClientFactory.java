package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.micronaut.context.annotation.Factory;
import io.vitalwire.ingest.fhir.auth.FhirAuth;
import jakarta.inject.Singleton;
import java.time.Clock;

/** One FhirContext per process: building it scans the R4 model and costs seconds. */
@Factory
class FhirClientFactory {

    @Singleton
    FhirContext fhirContext() {
        return FhirContext.forR4();
    }

    @Singleton
    IGenericClient fhirClient(FhirContext context, FhirConfig config, FhirAuth auth, Clock clock) {
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        context.getRestfulClientFactory().setSocketTimeout((int) config.getTimeout().toMillis());
        context.getRestfulClientFactory().setConnectTimeout(10_000);
        IGenericClient client = context.newRestfulGenericClient(config.getUrl());
        // Every request of the one client — resolving devices, writing Observations and windows — carries the token.
        auth.apply(client);
        client.registerInterceptor(new RetryAfterInterceptor(clock));
        return client;
    }
}
