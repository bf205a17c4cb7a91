package io.vitalwire.ingest.bench;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.testing.FhirFixtures;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/** The FHIR server as the ingest benchmarks see it: owners to write for, and what was written for them. */
final class BenchFhir {

    private final IGenericClient fhir;
    private final FhirFixtures fixtures;

    BenchFhir(IGenericClient fhir) {
        this.fhir = fhir;
        this.fixtures = new FhirFixtures(fhir);
    }

    /** A new Patient with a Device (identifier = the strap's serial) assigned to it. */
    Owner owner(DeviceIdentity strap) {
        String patient = fixtures.patient();
        return new Owner(patient, fixtures.device(strap.serial(), patient));
    }

    /** How many Observations the server holds for the patient. */
    int observationsOf(String patient) {
        Bundle found = fhir.search().forResource(Observation.class)
                .where(Observation.SUBJECT.hasId(patient))
                .summaryMode(SummaryEnum.COUNT)
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        return found.getTotal();
    }
}
