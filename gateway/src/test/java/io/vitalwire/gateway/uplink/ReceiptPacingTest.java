package io.vitalwire.gateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.gateway.uplink.ReceiptPacing.Phase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How many readings may be out at once: grown while receipts come without queueing, cut once a round trip when
 * they queue longer than the target, restarted when they are overdue.
 */
class ReceiptPacingTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final int BATCH = 500;
    private static final int CEILING = 50_000;
    private static final Duration TARGET = Duration.ofMillis(100);
    private static final Duration ROUND_TRIP = Duration.ofMillis(30);

    private final ReceiptPacing pacing = new ReceiptPacing(BATCH, CEILING, TARGET);

    @Test
    void itStartsAtOneBatch_andDoublesEachRoundTripWhileNothingQueues() {
        assertThat(pacing.limit()).isEqualTo(BATCH);
        assertThat(pacing.phase()).isEqualTo(Phase.STARTING);

        Instant now = T0;
        for (int roundTrip = 1; roundTrip <= 4; roundTrip++) {
            now = receiptAll(pacing.limit(), now, ROUND_TRIP);
            assertThat(pacing.limit()).isEqualTo(BATCH << roundTrip);
        }
    }

    @Test
    void aReceiptThatQueuedLongerThanTheTarget_cutsTheLimit_onceARoundTrip() {
        Instant now = T0;
        for (int i = 0; i < 5; i++) {
            now = receiptAll(pacing.limit(), now, ROUND_TRIP);
        }
        int grown = pacing.limit();
        assertThat(grown).isEqualTo(BATCH * 32);

        // Batches sent together a round trip ago, all queued 200 ms: the first receipt cuts, the rest were sent
        // before the cut and say nothing about the cut limit.
        Instant sent = now;
        now = now.plus(ROUND_TRIP).plusMillis(200);
        for (int i = 0; i < 4; i++) {
            pacing.receipted(BATCH, sent, now);
        }
        assertThat(pacing.limit()).isEqualTo((int) (grown * ReceiptPacing.CUT));
        assertThat(pacing.phase()).isEqualTo(Phase.STEADY);

        // A batch sent after the cut that queued as long cuts again.
        pacing.receipted(BATCH, now.plusMillis(1), now.plusMillis(1).plus(ROUND_TRIP).plusMillis(200));
        assertThat(pacing.limit()).isEqualTo((int) (grown * ReceiptPacing.CUT * ReceiptPacing.CUT));
    }

    @Test
    void queueingWithinTheTarget_isNoReasonToCut() {
        Instant now = receiptAll(BATCH, T0, ROUND_TRIP);
        int before = pacing.limit();
        pacing.receipted(BATCH, now, now.plus(ROUND_TRIP).plus(TARGET));
        assertThat(pacing.limit()).isGreaterThan(before);
    }

    @Test
    void onceSteady_itGrowsByOneBatchARoundTrip() {
        Instant now = receiptAll(BATCH * 8, T0, ROUND_TRIP);
        pacing.receipted(BATCH, now, now.plus(ROUND_TRIP).plusMillis(500));
        now = now.plus(ROUND_TRIP).plusMillis(500);
        int cut = pacing.limit();
        assertThat(pacing.phase()).isEqualTo(Phase.STEADY);

        now = receiptAll(cut, now.plusSeconds(1), ROUND_TRIP);
        // Each receipt adds its share of a batch at the limit of the moment, which grows meanwhile: a little under one.
        assertThat(pacing.limit()).isBetween(cut + BATCH * 9 / 10, cut + BATCH);
    }

    @Test
    void itStaysBetweenOneBatchAndTheCeiling() {
        Instant now = T0;
        for (int i = 0; i < 20; i++) {
            now = receiptAll(pacing.limit(), now, ROUND_TRIP);
        }
        assertThat(pacing.limit()).isEqualTo(CEILING);

        for (int i = 0; i < 30; i++) {
            Instant sent = now.plusMillis(1);
            now = sent.plus(ROUND_TRIP).plusSeconds(1);
            pacing.receipted(BATCH, sent, now);
        }
        assertThat(pacing.limit()).isEqualTo(BATCH);
    }

    @Test
    void overdueReceipts_startItAgainFromOneBatch() {
        Instant now = T0;
        for (int i = 0; i < 6; i++) {
            now = receiptAll(pacing.limit(), now, ROUND_TRIP);
        }
        pacing.receipted(BATCH, now, now.plus(ROUND_TRIP).plusSeconds(1));

        pacing.restart();

        assertThat(pacing.limit()).isEqualTo(BATCH);
        assertThat(pacing.phase()).isEqualTo(Phase.STARTING);
    }

    @Test
    void theQuickestRoundTrip_isForgottenAfterAMinute_soASlowerCloudIsNotTakenForAQueue() {
        Instant now = receiptAll(BATCH * 4, T0, Duration.ofMillis(10));
        // cloud-ingest's commits are slower from now on: 400 ms is a queue for the first minute, then the new base.
        Duration slower = Duration.ofMillis(400);
        pacing.receipted(BATCH, now, now.plus(slower));
        assertThat(pacing.phase()).as("within the minute, 390 ms of queue").isEqualTo(Phase.STEADY);
        now = now.plus(slower);
        for (int s = 0; s < 70; s++) {
            now = receiptAll(BATCH, now.plusSeconds(1), slower);
        }
        int settled = pacing.limit();
        now = receiptAll(settled, now.plusSeconds(1), slower);
        assertThat(pacing.limit()).as("grows again once 400 ms is the round trip").isGreaterThan(settled);
    }

    /** Receipts for {@code rows} readings, in batches, all sent at {@code sent} and receipted a round trip later. */
    private Instant receiptAll(int rows, Instant sent, Duration roundTrip) {
        Instant receipted = sent.plus(roundTrip);
        for (int left = rows; left > 0; left -= BATCH) {
            pacing.receipted(Math.min(BATCH, left), sent, receipted);
        }
        return receipted.plusMillis(1);
    }
}
