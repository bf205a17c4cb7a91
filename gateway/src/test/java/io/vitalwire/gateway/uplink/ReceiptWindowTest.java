package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.vitalwire.gateway.uplink.ReceiptPacing.Phase;
import io.vitalwire.testing.SettableClock;
import org.junit.jupiter.api.Test;

/** Rows held after the broker's PUBACK until a receipt names their batch, or sent again when it is overdue. */
class ReceiptWindowTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final AtomicInteger wakes = new AtomicInteger();
    private final SettableClock timers = new SettableClock(T0);
    private final ReceiptWindow window = new ReceiptWindow(TIMEOUT, Duration.ofMinutes(15),
            new ReceiptPacing(5, 5, Duration.ofMillis(100)), timers, wakes::incrementAndGet);

    @Test
    void aReceipt_settlesTheRowsOfTheBatchesItNames_andNoOthers() {
        window.acknowledged("b-1", List.of(1L, 2L), T0, T0);
        window.acknowledged("b-2", List.of(3L), T0, T0);

        window.receiptArrived(List.of("b-2", "unknown"));

        assertThat(wakes).hasValue(1);
        assertThat(window.settleReceipts()).containsExactly(3L);
        assertThat(window.rows()).isEqualTo(2);
        assertThat(window.settleReceipts()).isEmpty();
    }

    @Test
    void anOverdueBatch_isHandedBackOnce_andItsLateReceiptSettlesNothing() {
        window.acknowledged("b-1", List.of(1L, 2L), T0, T0);
        window.acknowledged("b-2", List.of(3L), T0.plusSeconds(30), T0.plusSeconds(30));

        assertThat(window.overdue(T0.plus(TIMEOUT).minusMillis(1))).isEmpty();
        assertThat(window.overdue(T0.plus(TIMEOUT))).containsExactly(1L, 2L);
        assertThat(window.overdue(T0.plus(TIMEOUT))).isEmpty();
        assertThat(window.nextDue()).contains(T0.plusSeconds(30).plus(TIMEOUT));

        window.receiptArrived(List.of("b-1"));
        assertThat(window.settleReceipts()).as("sent again under another batch id, settled by that one's receipt")
                .isEmpty();
    }

    @Test
    void room_isBoundedInRows_countingThoseAwaitingTheirPuback() {
        window.acknowledged("b-1", List.of(1L, 2L, 3L, 4L), T0, T0);
        assertThat(window.hasRoom(0)).isTrue();
        assertThat(window.hasRoom(1)).as("a fifth row in flight").isFalse();

        window.acknowledged("b-2", List.of(5L), T0, T0);
        assertThat(window.hasRoom(0)).isFalse();

        window.receiptArrived(List.of("b-1"));
        window.settleReceipts();
        assertThat(window.hasRoom(0)).isTrue();
    }

    @Test
    void aReceiptIsPacedByWhenItArrived_notByWhenTheBusyUplinkSettledIt() {
        ReceiptPacing pacing = new ReceiptPacing(500, 50_000, Duration.ofMillis(100));
        ReceiptWindow paced = new ReceiptWindow(TIMEOUT, Duration.ofMinutes(15), pacing, timers, () -> { });
        // Both receipts arrive 20 ms after their batch; the uplink settles the first at once, the second half a second
        // later (it was busy claiming and publishing).
        for (Duration busy : List.of(Duration.ZERO, Duration.ofMillis(500))) {
            Instant sent = timers.instant();
            paced.acknowledged("b-" + busy.toMillis(), List.of(1L), sent, sent);
            timers.advance(Duration.ofMillis(20));
            paced.receiptArrived(List.of("b-" + busy.toMillis()));
            timers.advance(busy);
            assertThat(paced.settleReceipts()).hasSize(1);
        }

        assertThat(pacing.phase()).as("two 20 ms round trips: nothing queued").isEqualTo(Phase.STARTING);
        assertThat(pacing.limit()).isEqualTo(502);
    }

    @Test
    void whileNoReceiptComesAtAll_theTimeoutGrows_andTheNextReceiptResetsIt() {
        Instant now = T0;
        window.acknowledged("b-1", List.of(1L), now, now);
        now = now.plus(TIMEOUT);
        assertThat(window.overdue(now)).containsExactly(1L);
        Duration longest = TIMEOUT;
        // Sent again and again with no receipt: each wait between the timeout and the maximum.
        for (int i = 2; i < 12; i++) {
            window.acknowledged("b-" + i, List.of(1L), now, now);
            Duration wait = Duration.between(now, window.nextDue().orElseThrow());
            assertThat(wait).isBetween(TIMEOUT, Duration.ofMinutes(15));
            assertThat(window.overdue(now.plus(wait))).containsExactly(1L);
            now = now.plus(wait);
            longest = wait.compareTo(longest) > 0 ? wait : longest;
        }
        // Jittered: any one wait may be short, but ten in a row all within 2x would be a one-in-a-million draw.
        assertThat(longest).as("grown over ten unanswered rounds").isGreaterThan(TIMEOUT.multipliedBy(2));

        window.acknowledged("b-99", List.of(2L), now, now);
        window.receiptArrived(List.of("b-99"));
        assertThat(window.settleReceipts()).containsExactly(2L);
        window.acknowledged("b-100", List.of(3L), now, now);
        assertThat(window.nextDue()).contains(now.plus(TIMEOUT));
    }
}
