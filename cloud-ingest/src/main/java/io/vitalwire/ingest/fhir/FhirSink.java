package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Observations to the FHIR server exactly once per reading key: one transaction bundle per call (an inbox
 * claim's spot readings), each entry a conditional create on the key ({@code ifNoneExist}), so a repeated write or a
 * racing replica finds the existing Observation instead of adding one. Conflicts (409, two creates of the same new
 * key at once), throttling (429) and server errors (5xx) are retried briefly here; longer outages are the inbox's to
 * wait out.
 */
@Singleton
public class FhirSink {

    private static final Logger LOG = LoggerFactory.getLogger(FhirSink.class);
    private static final Set<Integer> RETRYABLE = Set.of(409, 429, 500, 502, 503, 504);

    private final IGenericClient client;
    private final FhirConfig config;

    public FhirSink(IGenericClient client, FhirConfig config) {
        this.client = client;
        this.config = config;
    }

    /**
     * @return the server's response bundle, one entry per observation, in order
     * @throws FhirRejectedException when the server refuses the bundle for good (a 4xx other than 409 and 429)
     * @throws RuntimeException      when the server stayed unreachable or failing: retry them all later
     */
    public Bundle write(List<Observation> observations) throws FhirRejectedException {
        Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Observation o : observations) {
            String key = o.getIdentifierFirstRep().getValue();
            transaction.addEntry()
                    .setFullUrl("urn:uuid:" + UUID.randomUUID())
                    .setResource(o)
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("Observation")
                    .setIfNoneExist("identifier=" + encode(FhirSystems.READING_KEY) + "|" + encode(key));
        }
        Duration delay = config.getRetryDelay();
        for (int attempt = 1; ; attempt++) {
            try {
                return client.transaction().withBundle(transaction).execute();
            } catch (FhirClientConnectionException e) {
                if (attempt >= config.getMaxAttempts()) {
                    throw e;
                }
                LOG.warn("FHIR server unreachable (attempt {}): {}", attempt, e.getMessage());
            } catch (BaseServerResponseException e) {
                if (permanent(e.getStatusCode())) {
                    throw new FhirRejectedException(e.getStatusCode(), e.getMessage());
                }
                if (!RETRYABLE.contains(e.getStatusCode()) || attempt >= config.getMaxAttempts()) {
                    throw e;
                }
                LOG.warn("FHIR transaction got HTTP {} (attempt {}); retrying", e.getStatusCode(), attempt);
            }
            sleep(delay);
            delay = delay.multipliedBy(2);
        }
    }

    /** The Observation a conditional update wrote: its reference ({@code Observation/…}), and whether it is new. */
    public record Upserted(String observation, boolean created) {
    }

    /**
     * Creates or replaces the one Observation carrying the identifier {@code system|value}: a conditional update
     * ({@code PUT Observation?identifier=…}), so writing it again after a lost answer, or with more content, leaves
     * one Observation, revised. One attempt: the caller keeps what it wanted written and decides when to retry.
     *
     * @throws FhirRejectedException when the server refuses it for good (a 4xx other than 409 and 429)
     * @throws RuntimeException      when the server is unreachable or failing: try again later
     */
    public Upserted upsert(Observation observation, String system, String value) throws FhirRejectedException {
        try {
            MethodOutcome outcome = client.update()
                    .resource(observation)
                    .conditionalByUrl("Observation?identifier=" + encode(system) + "|" + encode(value))
                    .execute();
            return new Upserted("Observation/" + outcome.getId().getIdPart(),
                    Boolean.TRUE.equals(outcome.getCreated()));
        } catch (BaseServerResponseException e) {
            if (permanent(e.getStatusCode())) {
                throw new FhirRejectedException(e.getStatusCode(), e.getMessage());
            }
            throw e;
        }
    }

    /** A refusal that the same request cannot overcome: a 4xx other than a conflict or throttling. */
    private static boolean permanent(int status) {
        return status >= 400 && status < 500 && !RETRYABLE.contains(status);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a FHIR write", e);
        }
    }
}
