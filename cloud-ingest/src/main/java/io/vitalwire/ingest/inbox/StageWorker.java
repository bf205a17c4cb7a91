package io.vitalwire.ingest.inbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker thread of one stage: claims due entries, hands them to the stage, commits, and wakes the next stages;
 * claims again at once while it finds work, else waits for a wake-up or the poll interval.
 *
 * <p>Metric: {@code vitalwire.ingest.inbox.latency{stage}}: from the message's arrival to the stage finishing the
 * entry (done or quarantined).
 */
final class StageWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(StageWorker.class);

    private final StageHandler handler;
    private final InboxStore store;
    private final InboxConfig config;
    private final InboxSignals signals;
    private final StageHealth health;
    private final QuarantineStore quarantine;
    private final Timer latency;
    private volatile boolean running = true;

    StageWorker(StageHandler handler, InboxStore store, InboxConfig config, InboxSignals signals, StageHealth health,
                QuarantineStore quarantine, MeterRegistry metrics) {
        this.handler = handler;
        this.store = store;
        this.config = config;
        this.signals = signals;
        this.health = health;
        this.quarantine = quarantine;
        this.latency = Timer.builder("vitalwire.ingest.inbox.latency")
                .description("from a reading's arrival to an inbox stage finishing it")
                .tag("stage", handler.stage().tag())
                .register(metrics);
    }

    @Override
    public void run() {
        InboxStage stage = handler.stage();
        while (running) {
            int claimed = 0;
            try {
                claimed = drainOnce();
            } catch (RuntimeException e) {
                // PostgreSQL unreachable, or a bug: the entries stay pending; look again after the poll interval.
                LOG.warn("{} worker: {}", stage.tag(), e.getMessage());
            }
            if (claimed == 0 && running) {
                try {
                    signals.wakeup(stage).await(config.getPollInterval());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One claim, handled and committed. @return how many entries it held (0: nothing due) */
    int drainOnce() {
        InboxStage stage = handler.stage();
        Optional<InboxClaim> taken = store.claim(stage, config.getBatchSize(), config.getDeviceBatchSize(),
                Instant.now());
        if (taken.isEmpty()) {
            return 0;
        }
        List<InboxClaim.Settled> settled;
        int claimed;
        try (InboxClaim claim = taken.get()) {
            claimed = claim.entries().size();
            for (InboxEntry e : claim.entries()) {
                if (e.reading() == null) {
                    claim.quarantined(e, QuarantineReason.CONTRACT_VIOLATION, e.unreadable(), Instant.now());
                }
            }
            handler.handle(claim);
            settled = claim.commit();
        }
        report(settled);
        if (stage == InboxStage.RESOLVE) {
            signals.wake(InboxStage.FHIR);
            signals.wake(InboxStage.INFLUX);
        }
        if (health.takeRecovery(stage)) {
            int released = store.releaseBackoff(stage, Instant.now());
            LOG.info("{} works again; {} waiting readings are due now", stage.tag(), released);
        }
        return claimed;
    }

    private void report(List<InboxClaim.Settled> settled) {
        Instant now = Instant.now();
        for (InboxClaim.Settled s : settled) {
            latency.record(Duration.between(s.entry().receivedAt(), now));
            if (s.state() == InboxState.QUARANTINED) {
                quarantine.counted(s.reason());
            }
        }
    }

    void stop() {
        running = false;
        signals.wake(handler.stage());
    }
}
