package io.vitalwire.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.testing.FhirChaosProxy;
import io.vitalwire.testing.StackSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Test;

/**
 * The FHIR sink against the stack's real HAPI server reached at a wrong base URL (an operator's typo): the 404 is
 * a refusal of us, held as a configuration failure, never a verdict on the reading (which would quarantine every
 * reading as {@code FHIR_REJECTED} until someone noticed, with nothing to replay them). And through a throttling
 * proxy in front of it: the 429's {@code Retry-After} reaches the failure the engine backs off by.
 */
class FhirRefusalsIT {

    private static final FhirContext FHIR = FhirContext.forR4();

    @Test
    void aWrongBaseUrl_isAConfigurationFailure_notTheReadingsFault() {
        String wrongBase = StackSettings.fromEnvironment().fhirUrl().replaceAll("/fhir/?$", "/no-fhir-here");
        FhirSink sink = new FhirSink(FHIR.newRestfulGenericClient(wrongBase));
        Observation observation = temperature("refusals-" + UUID.randomUUID());

        Throwable thrown = catchThrowable(() -> sink.write(List.of(observation)));

        assertThat(thrown).as("not a refusal of the reading").isNotInstanceOf(FhirRejectedException.class)
                .isInstanceOf(BaseServerResponseException.class);
        assertThat(((BaseServerResponseException) thrown).getStatusCode()).isEqualTo(404);
        assertThat(FhirFailures.of(thrown).cause()).isEqualTo(Failure.Cause.CONFIGURATION);
    }

    @Test
    void aThrottledWrite_carriesTheServersRetryAfter_andWorksOnceTheServerTakesItAgain() throws Exception {
        try (FhirChaosProxy proxy = FhirChaosProxy.start(StackSettings.fromEnvironment().fhirUrl(),
                Duration.ofSeconds(1))) {
            IGenericClient client = FHIR.newRestfulGenericClient(proxy.fhirUrl());
            client.registerInterceptor(new RetryAfterInterceptor(Clock.systemUTC()));
            FhirSink sink = new FhirSink(client);
            Observation observation = temperature("throttled-" + UUID.randomUUID());
            proxy.chaos(15, Map.of(FhirChaosProxy.Fault.THROTTLED, 1));

            Throwable thrown = catchThrowable(() -> sink.write(List.of(observation)));

            Duration asked = proxy.exchanges().get(0).retryAfter();
            assertThat(asked).isPositive();
            assertThat(((BaseServerResponseException) thrown).getStatusCode()).isEqualTo(429);
            Failure failure = FhirFailures.of(thrown);
            assertThat(failure.cause()).isEqualTo(Failure.Cause.SERVER_ERROR);
            assertThat(failure.retryAfter()).as("the server's Retry-After").isEqualTo(asked);

            proxy.heal();
            assertThat(sink.write(List.of(observation)).getEntryFirstRep().getResponse().getStatus()).startsWith("201");
        }
    }

    private static Observation temperature(String key) {
        Observation observation = new Observation();
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addIdentifier().setSystem(FhirSystems.READING_KEY).setValue(key);
        observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8310-5");
        observation.setValue(new Quantity(36.6).setUnit("Cel").setSystem("http://unitsofmeasure.org").setCode("Cel"));
        return observation;
    }
}
