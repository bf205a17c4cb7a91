package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.testing.ArrivalLedger;
import io.vitalwire.testing.ReadingsSubscriber;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two cloud-ingest replicas leaves for good: it drops its connection without a DISCONNECT, as a replica that
 * crashed or was scaled away, and never comes back. Its persistent session stays on the broker, and Mosquitto goes on
 * giving that session its turn of the shared subscription: those readings are acknowledged to the gateway and
 * delivered to nobody. The remaining replica still receives every reading, because the gateway sends again what no
 * receipt names in time; the resends are counted by the gateway's `vitalwire.uplink.resent` counter.
 *
 * <p>Without receipts ({@code vitalwire.gateway.uplink.receipts-required=false}) the broker's PUBACK released every
 * reading queued for the departed session: checked by hand with that property added to the gateway's, 1,141 of the
 * 2,367 readings meant for the remaining replica never reached it.
 */
class ReplicaLeavesForGoodIT {

    /** Readings keep flowing this long after the replica left: a few receipt timeouts. */
    private static final Duration FLOWING = Duration.ofSeconds(15);
    /** Each device pauses this long after each reading: a few hundred small messages a second, each its own share. */
    private static final Duration PACE = Duration.ofMillis(5);

    @TempDir
    Path dir;

    @Test
    void replicaLeavesWithoutDisconnect_theOtherGetsEveryReading_throughResends() throws Exception {
        try (FaultScenario scenario = FaultScenario.start(dir, "gw-leave", FaultGateway.RECEIPTS_DUE_SOON)) {
            ArrivalLedger departed = new ArrivalLedger();
            ReadingsSubscriber leaving = scenario.subscribeAs("faults-ingest-leaving", departed);
            Set<String> accepted;
            Set<String> beforeLeaving;
            long resentBeforeLeaving;
            try (ReadingStream stream = scenario.stream(PACE)) {
                stream.awaitAccepted(200, Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).until(() -> !departed.keys().isEmpty()
                        && !scenario.ledger.keys().isEmpty());
                resentBeforeLeaving = scenario.gateway.readingsResentForWantOfReceipt();
                beforeLeaving = stream.accepted();
                leaving.abandon();

                Thread.sleep(FLOWING.toMillis());
                stream.close();
                accepted = stream.accepted();
            }
            // What the departed replica received (and receipted) before it left is in cloud-ingest's inbox; the
            // rest must reach the replica that stayed.
            Set<String> forTheRemaining = new HashSet<>(accepted);
            forTheRemaining.removeAll(departed.keys());
            scenario.assertEveryReadingArrives(forTheRemaining);
            long resent = scenario.gateway.readingsResentForWantOfReceipt() - resentBeforeLeaving;

            // Proof that the broker queued a share for the departed session after it left: look into that session
            // (the test connects once more under its client id) and find readings accepted after the departure.
            ArrivalLedger queuedForDeparted = new ArrivalLedger();
            try (ReadingsSubscriber inspection = scenario.subscribeAs("faults-ingest-leaving", queuedForDeparted)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !queuedForDeparted.keys().isEmpty());
                Thread.sleep(1_000);
            }
            Set<String> queuedAfterLeaving = new HashSet<>(queuedForDeparted.keys());
            queuedAfterLeaving.removeAll(beforeLeaving);

            assertThat(departed.keys()).as("both replicas had their share before one left").isNotEmpty();
            assertThat(queuedAfterLeaving).as("readings the broker gave the departed replica's session").isNotEmpty();
            assertThat(resent).as("readings sent again for want of a receipt").isGreaterThanOrEqualTo(
                    queuedAfterLeaving.size());
            System.out.printf("ReplicaLeavesForGoodIT: %d readings accepted, %d after one replica left; %d queued for "
                            + "the departed replica's session; %d readings resent for want of a receipt; %d duplicate "
                            + "arrivals at the remaining replica%n", accepted.size(),
                    accepted.size() - beforeLeaving.size(), queuedAfterLeaving.size(), resent,
                    scenario.ledger.duplicates());
        }
    }
}
