package io.vitalwire.ingest.inbox;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** How each stage's service has been answering this replica: working, or failing since when and why. */
@Singleton
public class StageHealth {

    /**
     * One stage's state as this replica saw it last.
     *
     * @param failing     whether its last call failed
     * @param since       when it started failing, or working again; {@code null} before the first call
     * @param cause       the failure's cause ({@code unreachable}, {@code server-error}, {@code configuration},
     *                  {@code error}; {@link #DATABASE} when PostgreSQL itself failed the worker) while failing
     * @param lastError   the last failure's message while failing; names services, never readings
     */
    public record Status(boolean failing, Instant since, String cause, String lastError) {

        static final Status UNTRIED = new Status(false, null, null, null);
    }

    /** The cause of a stage failing because its worker could not claim or commit in PostgreSQL. */
    public static final String DATABASE = "database";

    private final Map<String, AtomicReference<Status>> statuses = new ConcurrentHashMap<>();
    private final Map<String, AtomicBoolean> recovered = new ConcurrentHashMap<>();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    public Status status(String stage) {
        return status(stage, statuses).get();
    }

    private static AtomicReference<Status> status(String stage, Map<String, AtomicReference<Status>> statuses) {
        return statuses.computeIfAbsent(stage, s -> new AtomicReference<>(Status.UNTRIED));
    }

    void succeeded(String stage, Instant now) {
        Status before = status(stage, statuses).getAndUpdate(s -> s.failing() || s.since() == null
                ? new Status(false, now, null, null) : s);
        if (before.failing()) {
            recovered.computeIfAbsent(stage, s -> new AtomicBoolean()).set(true);
        }
    }

    /**
     * PostgreSQL answered the stage's worker: a failure of its own ({@link #DATABASE}) is over. A failing sink stays
     * failing until its next call succeeds.
     */
    void databaseAnswered(String stage, Instant now) {
        status(stage, statuses).getAndUpdate(s -> s.failing() && DATABASE.equals(s.cause())
                ? new Status(false, now, null, null) : s);
    }

    void failed(String stage, String cause, String error, Instant now) {
        status(stage, statuses).updateAndGet(s -> new Status(true, s.failing() ? s.since() : now, cause, error));
    }

    /**
     * The stage's service asked this replica to stay away until {@code until} ({@code Retry-After}, already capped):
     * a success of another request meanwhile does not bring its waiting readings forward before then.
     */
    void pause(String stage, Instant until) {
        pausedUntil.merge(stage, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** When the stage's waiting readings may be due at the earliest: {@code now}, or the end of the server's pause. */
    Instant resumeAt(String stage, Instant now) {
        Instant until = pausedUntil.get(stage);
        return until != null && until.isAfter(now) ? until : now;
    }

    /** Whether the stage worked again after failing since the last time this was asked; asking clears it. */
    boolean takeRecovery(String stage) {
        return recovered.computeIfAbsent(stage, s -> new AtomicBoolean()).getAndSet(false);
    }
}
