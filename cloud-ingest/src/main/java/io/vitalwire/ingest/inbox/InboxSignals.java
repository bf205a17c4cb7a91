package io.vitalwire.ingest.inbox;

import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process wake-ups of the stages' workers: new entries wake the pipeline's first stage, an entry a stage is done
 * with wakes the stages that follow it, so on a healthy path a reading goes from message to sinks without waiting for a poll. Polling
 * ({@link InboxConfig#getPollInterval()}) only finds what this replica was not told about.
 *
 * <p>Why not PostgreSQL LISTEN/NOTIFY across replicas: the replica that takes a message in also has workers for
 * it, and a worker loops while it finds work, so the entries of a device another replica's worker holds are taken
 * by that worker right after its claim. What is left — another replica idle while this one is busy — is load
 * sharing, for which the poll suffices; and every NOTIFY takes a database-wide lock at commit, which would
 * serialize the inbox's commits across replicas.
 */
@Singleton
public class InboxSignals {

    private final Map<String, Wakeup> wakeups = new ConcurrentHashMap<>();

    /** Tells the stage's workers that there is work, in every lane: each lane's workers look for their own. */
    public void wake(String stage) {
        for (Lane lane : Lane.values()) {
            wakeup(stage, lane).wake();
        }
    }

    Wakeup wakeup(String stage, Lane lane) {
        return wakeups.computeIfAbsent(stage + "/" + lane, s -> new Wakeup());
    }

    /** A wake-up that is not lost when it comes while nobody waits: the next wait returns at once. */
    static final class Wakeup {

        private boolean pending;

        synchronized void wake() {
            pending = true;
            notifyAll();
        }

        /** Waits for a wake-up, at most {@code timeout}. */
        synchronized void await(Duration timeout) throws InterruptedException {
            if (!pending) {
                wait(Math.max(1, timeout.toMillis()));
            }
            pending = false;
        }
    }
}
