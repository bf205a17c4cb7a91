package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalwire.backoff.Backoff;
import io.vitalwire.ingest.db.SqlFailure;
import io.vitalwire.ingest.pipeline.Failure;
import io.vitalwire.ingest.pipeline.Pipeline;
import io.vitalwire.ingest.pipeline.Stage;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import java.time.Clock;
import java.time.Duration;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread of one stage and one {@link Lane}: claims due entries, hands them to the stage, commits the outcomes, and wakes the
 * stages that follow; claims again at once while claims are cut short by their limits, lingers a moment after one
 * that took everything due (the stage's own lane only, {@link InboxConfig#getLinger()}), and waits for a wake-up
 * or the poll interval when there was nothing. It
 * also keeps the stage's {@link StageHealth} and reports failures — the stage itself only classifies them.
 *
 * <p>Metrics: {@code vitalwire.ingest.inbox.latency{stage}} (from a reading's arrival to the stage finishing it),
 * {@code vitalwire.ingest.sink.write{stage, outcome=ok|failed}} (one stage call on a claim),
 * {@code vitalwire.ingest.sink.failures{stage, cause=unreachable|server-error|configuration|error|rejected}}
 * (failed calls; for {@code rejected}, readings the stage set aside for good),
 * {@code vitalwire.ingest.inbox.database.failures{stage, class=transient|configuration|input}} (claims or commits
 * PostgreSQL did not answer or refused).
 *
 * <p>When PostgreSQL fails under a claim or its commit (down, or silent until the datasource's timeouts end the
 * wait), the entries stay pending there and the worker waits the shared {@link Backoff} — not the poll interval, and
 * no wake-up cuts it short — before it claims again, and shows the stage {@code failing} with cause
 * {@code database}: a dozen workers asking a database that does not answer at once would only add to the load of
 * its return. The first claim that PostgreSQL answers ends both.
 */
final class StageWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StageWorker.class);

    private final Stage stage;
    private final Lane lane;
    private final List<String> next;
    private final InboxStore store;
    private final InboxConfig config;
    private final InboxSignals signals;
    private final StageHealth health;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Timer latency;
    private final Backoff databaseBackoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    StageWorker(Pipeline pipeline, Pipeline.Step step, Lane lane, InboxStore store, InboxConfig config,
                InboxSignals signals, StageHealth health, QuarantineStore quarantine, MeterRegistry metrics,
                Clock clock) {
        this.stage = step.stage();
        this.lane = lane;
        this.next = pipeline.next(step.name());
        this.store = store;
        this.config = config;
        this.signals = signals;
        this.health = health;
        this.quarantine = quarantine;
        this.metrics = metrics;
        this.clock = clock;
        this.latency = Timer.builder("vitalwire.ingest.inbox.latency")
                .description("from a reading's arrival to an inbox stage finishing it")
                .tag("stage", stage.name())
                .register(metrics);
        this.databaseBackoff = new Backoff(config.getRetryDelay(), config.getMaxRetryDelay());
    }

    @Override
    public void run() {
        while (running) {
            int claimed = 0;
            try {
                claimed = drainOnce();
                databaseBackoff.reset();
                health.databaseAnswered(stage.name(), clock.instant());
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                // PostgreSQL unreachable, or a bug: the entries stay pending; look again later. Errors too: a worker
                // that ended would leave its stage's readings waiting with no trace.
                LOG.warn("{} worker: {}", stage.name(), e.toString());
                if (fromDatabase(e)) {
                    backOff(e);
                    continue;
                }
            }
            if (claimed > 0 && tookAllDue(claimed) && lane == Lane.OTHERS) {
                linger();
            }
            if (claimed == 0 && running) {
                try {
                    signals.wakeup(stage.name(), lane).await(config.getPollInterval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Whether a claim of {@code claimed} entries took everything that was due (but what other workers hold): fewer
     * than a full claim and than one device's slice, so neither limit cut it short.
     */
    private boolean tookAllDue(int claimed) {
        return claimed < Math.min(config.getBatchSize(), config.getDeviceBatchSize());
    }

    /**
     * Waits {@link InboxConfig#getLinger()} after a claim that took everything due, so that the next one takes what arrives
     * meanwhile in one go. The express lane never lingers (and {@link Lane#ALL}, which carries readings that may
     * alert, neither).
     */
    private void linger() {
        Duration linger = config.getLinger();
        if (linger.isZero() || linger.isNegative()) {
            return;
        }
        try {
            stopped.await(linger.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** One claim, handled and committed. @return how many entries it held (0: nothing due) */
    int drainOnce() {
        Optional<InboxClaim> taken = store.claim(stage.name(), lane, config.getBatchSize(),
                config.getDeviceBatchSize(), clock.instant());
        if (taken.isEmpty()) {
            return 0;
        }
        List<InboxClaim.Settled> settled;
        List<Failure> failures;
        boolean anyDone;
        boolean called;
        int claimed;
        try (InboxClaim claim = taken.get()) {
            claimed = claim.claimed().size();
            for (InboxEntry e : claim.claimed()) {
                if (e.reading() == null) {
                    claim.quarantined(e, QuarantineReason.CONTRACT_VIOLATION, e.unreadable());
                }
            }
            called = !claim.entries().isEmpty();
            if (called) {
                long start = System.nanoTime();
                handle(claim);
                timer(claim.failures().isEmpty() ? "ok" : "failed").record(Duration.ofNanos(System.nanoTime() - start));
            }
            pauseAsAsked(claim.failures());
            settled = claim.commit();
            failures = claim.failures();
            anyDone = claim.anyDone();
        }
        report(settled, failures, called);
        if (anyDone) {
            next.forEach(signals::wake);
        }
        if (health.takeRecovery(stage.name())) {
            // The server's Retry-After outlives one success: a flapping server that throttles us is not answered
            // with every waiting reading at once.
            Instant due = health.resumeAt(stage.name(), clock.instant());
            int released = store.releaseBackoff(stage.name(), due);
            LOG.info("{} works again; {} waiting readings are due {}", stage.name(), released,
                    due.isAfter(clock.instant()) ? "at " + due + " (the server's Retry-After)" : "now");
        }
        return claimed;
    }

    /**
     * A server that answered with {@code Retry-After} pauses the stage's releases until then (capped like the
     * backoff). Before the claim commits: this claim's rows wait out no failure until then, so a release by
     * another worker in between leaves them alone, and every later one sees the pause.
     */
    private void pauseAsAsked(List<Failure> failures) {
        Duration longest = config.getMaxRetryDelay();
        for (Failure f : failures) {
            if (f.retryAfter() != null) {
                health.pause(stage.name(), clock.instant().plus(f.retryAfter().compareTo(longest) > 0 ? longest
                        : f.retryAfter()));
            }
        }
    }

    /**
     * Calls the stage; when it throws instead of reporting a failure (a bug, a library's {@code Error}), what it left
     * unsettled is failed with cause {@code error}, so those entries back off like any failed attempt rather than be
     * claimed again at once, and this worker lives on. An OutOfMemoryError never gets here: the JVM exits on it
     * ({@code -XX:+ExitOnOutOfMemoryError}), so the service manager restarts a clean process.
     */
    private void handle(InboxClaim claim) {
        try {
            stage.handle(claim);
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            LOG.error("{} stage threw {} instead of reporting a failure; its unsettled readings back off", stage.name(),
                    e.getClass().getName());
            claim.failed(claim.unsettled(), new Failure(Failure.Cause.ERROR, "the stage threw "
                    + e.getClass().getName()));
        }
    }

    private void report(List<InboxClaim.Settled> settled, List<Failure> failures, boolean called) {
        Instant now = clock.instant();
        int rejected = 0;
        for (InboxClaim.Settled s : settled) {
            latency.record(Duration.between(s.entry().receivedAt(), now));
            if (s.state() == InboxState.QUARANTINED) {
                quarantine.counted(s.reason());
                rejected++;
            }
        }
        if (rejected > 0) {
            metrics.counter("vitalwire.ingest.sink.failures", "stage", stage.name(), "cause", "rejected")
                    .increment(rejected);
        }
        if (!called) {
            return;
        }
        if (failures.isEmpty()) {
            health.succeeded(stage.name(), now);
            return;
        }
        for (Failure f : failures) {
            health.failed(stage.name(), f.cause().tag(), f.cause().tag() + ": " + f.message(), now);
            metrics.counter("vitalwire.ingest.sink.failures", "stage", stage.name(), "cause", f.cause().tag())
                    .increment();
            // Ids and counts only: the message names the service, never a reading's values.
            LOG.warn("{} failed ({}), its readings wait for a retry: {}", stage.name(), f.cause().tag(), f.message());
        }
    }

    /** Whether PostgreSQL (or the pool in front of it) failed: an {@link SQLException} in the cause chain. */
    private static boolean fromDatabase(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private void backOff(Throwable e) {
        SqlFailure failure = SqlFailure.of(e);
        String sqlState = SqlFailure.sqlState(e);
        health.failed(stage.name(), StageHealth.DATABASE, "PostgreSQL: " + failure.tag()
                + (sqlState == null ? "" : ", SQLSTATE " + sqlState), clock.instant());
        metrics.counter("vitalwire.ingest.inbox.database.failures", "stage", stage.name(), "class", failure.tag())
                .increment();
        try {
            stopped.await(databaseBackoff.next().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private Timer timer(String outcome) {
        return Timer.builder("vitalwire.ingest.sink.write")
                .description("one call of an inbox stage to its service")
                .tags("stage", stage.name(), "outcome", outcome)
                .register(metrics);
    }

    void stop() {
        running = false;
        stopped.countDown();
        signals.wake(stage.name());
    }
}
