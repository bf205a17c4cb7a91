package io.vitalwire.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.testing.StackSettings;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

/**
 * The FHIR sink against the stack's real HAPI server reached at a wrong base URL (an operator's typo): the 404 is
 * a refusal of us, held as a configuration failure, never a verdict on the reading (which would quarantine every
 * reading as {@code FHIR_REJECTED} until someone noticed, with nothing to replay them).
 */
class FhirRefusalsIT {

    private static final FhirContext FHIR = FhirContext.forR4();

    @Test
    void aWrongBaseUrl_isAConfigurationFailure_notTheReadingsFault() {
        String wrongBase = StackSettings.fromEnvironment().fhirUrl().replaceAll("/fhir/?$", "/no-fhir-here");
        FhirSink sink = new FhirSink(FHIR.newRestfulGenericClient(wrongBase));
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addIdentifier().setSystem(FhirSystems.READING_KEY).setValue("refusals-" + UUID.randomUUID());
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8310-5");
        observation.setValue(new Quantity(36.6).setUnit("Cel").setSystem("http://unitsofmeasure.org").setCode("Cel"));

        Throwable thrown = catchThrowable(() -> sink.write(List.of(observation)));

        assertThat(thrown).as("not a refusal of the reading").isNotInstanceOf(FhirRejectedException.class)
                .isInstanceOf(BaseServerResponseException.class);
        assertThat(((BaseServerResponseException) thrown).getStatusCode()).isEqualTo(404);
        assertThat(FhirFailures.of(thrown).cause()).isEqualTo(Failure.Cause.CONFIGURATION);
    }
}
