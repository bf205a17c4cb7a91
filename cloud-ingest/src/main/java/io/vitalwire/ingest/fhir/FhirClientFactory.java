package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** One FhirContext per process: building it scans the R4 model and costs seconds. */
@Factory
class FhirClientFactory {

    @Singleton
    FhirContext fhirContext() {
        return FhirContext.forR4();
    }

    @Singleton
    IGenericClient fhirClient(FhirContext context, FhirConfig config) {
        context.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        context.getRestfulClientFactory().setSocketTimeout((int) config.getTimeout().toMillis());
        context.getRestfulClientFactory().setConnectTimeout(10_000);
        return context.newRestfulGenericClient(config.getUrl());
    }
}
