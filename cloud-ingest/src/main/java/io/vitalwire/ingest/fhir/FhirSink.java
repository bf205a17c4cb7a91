package io.vitalwire.ingest.fhir;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * Writes Observations to the FHIR server exactly once per reading key: one transaction bundle per call (an inbox
 * claim's spot readings), each entry a conditional create on the key ({@code ifNoneExist}), so a repeated write or a
 * racing replica finds the existing Observation instead of adding one. An Observation withdrawn as
 * {@code entered-in-error} ({@link #withdraw}: a key conflict decided for the reading that arrived second) does not
 * count: the genuine reading's Observation is created beside it. One attempt per call: conflicts (409, two
 * creates of the same new key at once), throttling (429, honouring its {@code Retry-After}) and server errors (5xx)
 * are the inbox's to retry, after its backoff.
 */
@Singleton
public class FhirSink {

    private static final Set<Integer> RETRYABLE = Set.of(408, 409, 429, 500, 502, 503, 504);
    private static final Set<Integer> REFUSES_US = Set.of(401, 403, 404, 405, 406, 415);

    private final IGenericClient client;

    public FhirSink(IGenericClient client) {
        this.client = client;
    }

    /**
     * @return the server's response bundle, one entry per observation, in order
     * @throws FhirRejectedException when the server refuses the bundle for good (see {@link #permanent})
     * @throws RuntimeException      when the server is unreachable, failing or refuses us: retry them all later
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
                    .setIfNoneExist("identifier=" + encode(FhirSystems.READING_KEY) + "|" + encode(key)
                            + "&status:not=" + Observation.ObservationStatus.ENTEREDINERROR.toCode());
        }
        try {
            return client.transaction().withBundle(transaction).execute();
        } catch (BaseServerResponseException e) {
            if (permanent(e.getStatusCode())) {
                throw new FhirRejectedException(e.getStatusCode(), e.getMessage());
            }
            throw e;
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
     * @throws FhirRejectedException when the server refuses it for good (see {@link #permanent})
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

    /**
     * Withdraws every Observation carrying the reading key that is not withdrawn yet: status {@code entered-in-error}
     * (FHIR R4 Observation.status: "the observation has been withdrawn following previous final release; this
     * electronic record should never have existed"), kept, not deleted, so that whoever read it can see it was
     * withdrawn. Repeating it changes nothing.
     *
     * @return the Observations withdrawn now ({@code Observation/…})
     * @throws RuntimeException when the server is unreachable, failing or refuses: nothing is to be assumed
     */
    public List<String> withdraw(String readingKey) {
        Bundle found = client.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndCode(FhirSystems.READING_KEY, readingKey))
                .returnBundle(Bundle.class).execute();
        List<String> withdrawn = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : found.getEntry()) {
            Observation o = (Observation) entry.getResource();
            if (o.getStatus() == Observation.ObservationStatus.ENTEREDINERROR) {
                continue;
            }
            o.setStatus(Observation.ObservationStatus.ENTEREDINERROR);
            client.update().resource(o).execute();
            withdrawn.add("Observation/" + o.getIdElement().getIdPart());
        }
        return withdrawn;
    }

    /**
     * A refusal of the request that sending it again cannot overcome: a 4xx other than a timeout, a conflict,
     * throttling, or a refusal of us rather than of the request.
     */
    private static boolean permanent(int status) {
        return status >= 400 && status < 500 && !RETRYABLE.contains(status) && !refusesUs(status);
    }

    /**
     * The server refuses us, not the data, which an operator has to fix: credentials or permissions (401, 403), or a
     * request that reached no FHIR endpoint able to take it — a wrong base URL (404 for the whole request: a
     * transaction's or conditional update's own missing resources are answered inside it, or as 400/412/422), a
     * proxy refusing the method or media type (405, 406, 415). Quarantining readings for those would set aside
     * every reading until the configuration is fixed, with a reason nothing replays.
     */
    static boolean refusesUs(int status) {
        return REFUSES_US.contains(status);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
