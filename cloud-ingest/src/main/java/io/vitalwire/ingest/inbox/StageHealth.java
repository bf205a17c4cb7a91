package io.vitalwire.ingest.inbox;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
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
     * @param cause       the failure's cause ({@code unreachable}, {@code server-error}, {@code error}) while failing
     * @param lastError   the last failure's message while failing; names services, never readings
     */
    public record Status(boolean failing, Instant since, String cause, String lastError) {

        static final Status UNTRIED = new Status(false, null, null, null);
    }

    private final Map<InboxStage, AtomicReference<Status>> statuses = new EnumMap<>(InboxStage.class);
    private final Map<InboxStage, AtomicBoolean> recovered = new EnumMap<>(InboxStage.class);

    public StageHealth() {
        for (InboxStage stage : InboxStage.values()) {
            statuses.put(stage, new AtomicReference<>(Status.UNTRIED));
            recovered.put(stage, new AtomicBoolean());
        }
    }

    public Status status(InboxStage stage) {
        return statuses.get(stage).get();
    }

    void succeeded(InboxStage stage, Instant now) {
        Status before = statuses.get(stage).getAndUpdate(s -> s.failing() || s.since() == null
                ? new Status(false, now, null, null) : s);
        if (before.failing()) {
            recovered.get(stage).set(true);
        }
    }

    void failed(InboxStage stage, FailureCause cause, String error, Instant now) {
        statuses.get(stage).updateAndGet(s -> new Status(true, s.failing() ? s.since() : now, cause.tag(), error));
    }

    /** Whether the stage worked again after failing since the last time this was asked; asking clears it. */
    boolean takeRecovery(InboxStage stage) {
        return recovered.get(stage).getAndSet(false);
    }
}
