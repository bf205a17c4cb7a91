package io.vitalwire.ingest.tasks;

import io.vitalwire.ingest.fhir.FhirFailures;
import io.vitalwire.ingest.fhir.FhirRejectedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.notify.AlertNotice;
import io.vitalwire.ingest.pipeline.Failure;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings owed Tasks into FHIR, one claimed row at a time ({@link CareTaskStore#claim}): the Task as its alert
 * stands now — created with a conditional create on the alert's identifier (so one Task per alert, whichever replica,
 * retry or crashed attempt made it), or read and revised (escalated, completed). The row stays locked during the FHIR
 * requests and records the outcome in the same transaction.
 *
 * <p>Failures are classified ({@link FhirFailures}): refusals for good mark the row REJECTED; anything else keeps it
 * owed for the shared jittered {@link Backoff} (from {@link TasksConfig#getRetryDelay()}, doubling per failed
 * attempt, at most {@link TasksConfig#getMaxRetryDelay()}). An unreachable server ends the run: the other rows would
 * only wait for the same timeout.
 *
 * <p>Metrics: {@code vitalwire.ingest.tasks.written{outcome=created|found|revised|unchanged}},
 * {@code vitalwire.ingest.tasks.failures{cause=unreachable|server-error|configuration|error|rejected}}.
 */
@Singleton
public class CareTaskSync {

    private static final Logger LOG = LoggerFactory.getLogger(CareTaskSync.class);

    private final CareTaskStore store;
    private final TaskWriter writer;
    private final CareTeams teams;
    private final TaskMapper mapper;
    private final TasksConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Backoff backoff;

    public CareTaskSync(CareTaskStore store, TaskWriter writer, CareTeams teams, TasksConfig config,
                        MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.teams = teams;
        this.mapper = new TaskMapper(config);
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = new Backoff(config.getRetryDelay(), config.getMaxRetryDelay());
    }

    /**
     * Writes the Tasks owed now, at most {@link TasksConfig#getBatchSize()}, and stops early when the FHIR server is
     * unreachable.
     *
     * @return how many rows were handled (written, rejected or failed)
     */
    public int drain() {
        int handled = 0;
        while (handled < config.getBatchSize()) {
            Instant now = clock.instant();
            Optional<CareTaskClaim> taken = store.claim(now);
            if (taken.isEmpty()) {
                break;
            }
            boolean reachable;
            try (CareTaskClaim claim = taken.get()) {
                reachable = sync(claim, now);
            }
            handled++;
            if (!reachable) {
                break;
            }
        }
        return handled;
    }

    private enum Outcome { CREATED, FOUND, REVISED, UNCHANGED }

    /** What FHIR holds after a write. */
    private record Written(String task, Assignment assignment, Outcome outcome) {
    }

    /** @return false when the FHIR server was unreachable */
    private boolean sync(CareTaskClaim claim, Instant now) {
        OwedTask owed = claim.owed();
        String alert = owed.alert().notice().id().toString();
        Written written;
        try {
            written = write(owed, now);
        } catch (FhirRejectedException e) {
            claim.rejected(e.getMessage(), now);
            metrics.counter("vitalwire.ingest.tasks.failures", "cause", "rejected").increment();
            // The status only: the server's message may name the patient; it is kept on the row for operators.
            LOG.warn("the FHIR server refused the Task of alert {} for good (HTTP {})", alert, e.status());
            return true;
        } catch (RuntimeException e) {
            Failure f = FhirFailures.of(e);
            Duration delay = backoff.delayAfter(owed.attempts());
            claim.failed(f.cause().tag() + ": " + f.message(), now.plus(delay));
            metrics.counter("vitalwire.ingest.tasks.failures", "cause", f.cause().tag()).increment();
            // Alert id only: the message names the server, never the patient.
            LOG.warn("writing the Task of alert {} failed ({}, attempt {}); retrying in {}", alert, f.cause().tag(),
                    owed.attempts() + 1, delay);
            return f.cause() != Failure.Cause.UNREACHABLE;
        }
        if (owed.alert().state() == AlertState.ACKNOWLEDGED) {
            claim.completed(written.task(), written.assignment(), now);
        } else {
            claim.opened(written.task(), written.assignment(), owed.alert().state(), now);
        }
        metrics.counter("vitalwire.ingest.tasks.written", "outcome",
                written.outcome().name().toLowerCase(Locale.ROOT)).increment();
        return true;
    }

    private Written write(OwedTask owed, Instant now) throws FhirRejectedException {
        AlertNotice a = owed.alert().notice();
        String observation = a.readingKey() == null ? null : writer.observation(a.readingKey()).orElse(null);
        Optional<Task> existing = owed.task() == null ? Optional.empty() : writer.read(owed.task());
        Outcome outcome = Outcome.REVISED;
        if (existing.isEmpty()) {
            CareRole role = CareRole.first(a.kind(), a.rule());
            Task task = mapper.create(a, observation, role, assign(a, role), now);
            revise(task, owed.alert(), now);
            TaskWriter.Created created = writer.create(task, a.id());
            if (created.created()) {
                return new Written(created.task(), assignment(task), Outcome.CREATED);
            }
            // An earlier attempt that died before recording it, or another replica, made it: bring that one up to date.
            existing = writer.read(created.task());
            if (existing.isEmpty()) {
                throw new IllegalStateException("the Task of the alert was found and is gone; trying again");
            }
            outcome = Outcome.FOUND;
        }
        Task task = existing.get();
        boolean changed = a.readingKey() != null && mapper.evidence(task, a.readingKey(), observation);
        changed |= revise(task, owed.alert(), now);
        if (changed) {
            writer.update(task);
        } else if (outcome == Outcome.REVISED) {
            outcome = Outcome.UNCHANGED;
        }
        return new Written("Task/" + task.getIdElement().getIdPart(), assignment(task), outcome);
    }

    /** Applies what happened to the alert since it was raised. @return whether the Task changed */
    private boolean revise(Task task, TrackedAlert alert, Instant now) {
        boolean changed = false;
        if (alert.escalatedAt() != null
                && !TaskMapper.hasCode(task.getBusinessStatus(), TaskCodes.TASK, TaskMapper.ESCALATED)) {
            AlertNotice a = alert.notice();
            Optional<CareRole> to = CareRole.escalation(a.kind(), a.rule());
            changed = mapper.escalate(task, to.orElse(null), to.map(role -> assign(a, role)).orElse(null), now);
        }
        if (alert.state() == AlertState.ACKNOWLEDGED) {
            changed |= mapper.complete(task, alert.acknowledgedAt(), now);
        }
        return changed;
    }

    private Assignment assign(AlertNotice a, CareRole role) {
        if (a.patient() == null) {
            return Assignment.nobody(UnassignedReason.NO_PATIENT);
        }
        return Owners.choose(role, teams.of(a.patient()));
    }

    /** The owner as the Task has it, or the reason it has none. */
    private static Assignment assignment(Task task) {
        if (task.hasOwner() && task.getOwner().hasReference()) {
            return Assignment.to(task.getOwner().getReference());
        }
        return new Assignment(null, task.getStatusReason().getCoding().stream()
                .filter(c -> TaskCodes.UNASSIGNED_REASON.equals(c.getSystem()))
                .findFirst()
                .flatMap(c -> UnassignedReason.of(c.getCode()))
                .orElse(null));
    }
}
