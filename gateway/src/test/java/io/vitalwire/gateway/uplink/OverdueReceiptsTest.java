package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every resend counted; a warning at most once a minute, with the count since the last one. */
class OverdueReceiptsTest {

    private final SettableClock timers = new SettableClock(Instant.parse("2026-12-03T10:00:00Z"));

    @Test
    void resends_areAllCounted_butWarnedAboutOnceAMinute() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(OverdueReceipts.class);
        logger.addAppender(log);
        try {
            OverdueReceipts overdue = new OverdueReceipts(meters, timers);

            overdue.resending(3);
            for (int i = 0; i < 100; i++) {
                timers.advance(Duration.ofMillis(500));
                overdue.resending(2);
            }
            timers.advance(OverdueReceipts.WARNING_INTERVAL);
            overdue.resending(1);

            assertThat(meters.counter("vitalwire.uplink.resent", "reason", "receipt-overdue").count()).isEqualTo(204);
            assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
                    first -> assertThat(first).startsWith("3 readings acknowledged by the broker got no receipt"),
                    // The hundred resends of 2 within the minute, and the one after it that warns.
                    second -> assertThat(second).startsWith("201 readings").contains("since the last such warning"));
        } finally {
            logger.detachAppender(log);
        }
    }
}
