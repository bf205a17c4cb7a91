package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.fhir.FhirFailures;
import io.vitalwire.ingest.fhir.FhirRejectedException;
import io.vitalwire.ingest.fhir.FhirSystems;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Task;

/**
 * The FHIR requests of the Task outbox, one attempt each (the outbox retries): the conditional create that makes one
 * Task per alert, reading and revising it, and finding the alert's Observation.
 *
 * <p>Failures: a refusal that sending the same request again cannot overcome is a {@link FhirRejectedException} —
 * a 4xx other than 401/403 (us, not the Task), 408, 409 and 412 (a race or a version conflict: read again and retry)
 * and 429; for the create, a 412 means several Tasks carry the alert's identifier already, which no retry mends.
 * Everything else is thrown as the client threw it, to be classified ({@link FhirFailures}) and retried.
 */
@Singleton
public class TaskWriter {

    private static final Set<Integer> RETRYABLE = Set.of(401, 403, 408, 409, 412, 429);

    private final IGenericClient fhir;

    public TaskWriter(IGenericClient fhir) {
        this.fhir = fhir;
    }

    /** The Task the conditional create made ({@code created}) or found. */
    record Created(String task, boolean created) {
    }

    /**
     * Creates the Task unless one carries its identifier already ({@code If-None-Exist}): then that one is answered,
     * whichever replica or earlier attempt made it.
     */
    Created create(Task task, UUID alert) throws FhirRejectedException {
        try {
            MethodOutcome outcome = fhir.create().resource(task)
                    .conditionalByUrl("Task?identifier=" + encode(TaskCodes.ALERT) + "|" + alert)
                    .execute();
            // The client sets created only for a 201; a 200 (the Task was there) leaves it null.
            return new Created("Task/" + outcome.getId().getIdPart(), Boolean.TRUE.equals(outcome.getCreated()));
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() == 412) {
                throw new FhirRejectedException(412, "several Tasks carry the identifier of alert " + alert);
            }
            throw rejected(e);
        }
    }

    /** The Task as stored now (its version is what {@link #update} expects); empty when it was deleted. */
    Optional<Task> read(String task) throws FhirRejectedException {
        try {
            return Optional.of(fhir.read().resource(Task.class).withUrl(task)
                    .cacheControl(new CacheControlDirective().setNoCache(true)).execute());
        } catch (BaseServerResponseException e) {
            if (e.getStatusCode() == 404 || e.getStatusCode() == 410) {
                return Optional.empty();
            }
            throw rejected(e);
        }
    }

    /**
     * Writes the revised Task if nobody changed it since it was read ({@code If-Match} its version): a concurrent
     * change by a clinician is a 412 (or 409), retried from a fresh read, never overwritten.
     */
    void update(Task task) throws FhirRejectedException {
        String version = task.getIdElement().hasVersionIdPart() ? task.getIdElement().getVersionIdPart()
                : task.getMeta().getVersionId();
        try {
            var update = fhir.update().resource(task).withId(task.getIdElement().toUnqualifiedVersionless());
            if (version != null) {
                update.withAdditionalHeader("If-Match", "W/\"" + version + "\"");
            }
            update.execute();
        } catch (BaseServerResponseException e) {
            throw rejected(e);
        }
    }

    /** {@code Observation/<id>} of the reading's Observation, if FHIR has it; one search by its identifier. */
    Optional<String> observation(String readingKey) {
        Bundle found = fhir.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(FhirSystems.READING_KEY, readingKey))
                .elementsSubset("identifier")
                .count(1)
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        return found.getEntry().stream().filter(e -> e.getResource() != null).findFirst()
                .map(e -> "Observation/" + e.getResource().getIdElement().getIdPart());
    }

    /**
     * Throws a refusal for good as a {@link FhirRejectedException}; answers anything else, for the caller to throw as
     * it was.
     */
    private static RuntimeException rejected(BaseServerResponseException e) throws FhirRejectedException {
        int status = e.getStatusCode();
        if (status >= 400 && status < 500 && !RETRYABLE.contains(status)) {
            throw new FhirRejectedException(status, e.getMessage());
        }
        return e;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
