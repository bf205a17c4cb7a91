package io.vitalwire.gateway.uplink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says that readings are sent again for want of a receipt: every one counted
 * ({@code vitalwire.uplink.resent{reason=receipt-overdue}}), and a warning at most once a minute with the count since
 * the last one. While cloud-ingest is away every batch comes due on its own, and a line per batch (hundreds a minute
 * with small batches) would bury whatever else the log has to say.
 */
final class OverdueReceipts {

    private static final Logger LOG = LoggerFactory.getLogger(OverdueReceipts.class);
    static final Duration WARNING_INTERVAL = Duration.ofMinutes(1);

    private final Counter resent;
    private final Clock timers;
    private Instant lastWarning;
    private long sinceWarning;

    /** @param timers a monotonic clock, as the uplink's other intervals */
    OverdueReceipts(MeterRegistry meters, Clock timers) {
        this.resent = Counter.builder("vitalwire.uplink.resent").tag("reason", "receipt-overdue")
                .description("readings sent again because no receipt from cloud-ingest named them in time")
                .register(meters);
        this.timers = timers;
    }

    /** {@code readings} go again: counted, and warned about unless a warning went out within the last minute. */
    void resending(int readings) {
        resent.increment(readings);
        sinceWarning += readings;
        Instant now = timers.instant();
        if (lastWarning == null || !now.isBefore(lastWarning.plus(WARNING_INTERVAL))) {
            LOG.warn("{} readings acknowledged by the broker got no receipt from cloud-ingest in time{}: sending them "
                    + "again (is cloud-ingest consuming?)", sinceWarning,
                    lastWarning == null ? "" : " since the last such warning");
            lastWarning = now;
            sinceWarning = 0;
        }
    }
}
