package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker crashes and comes back with nothing: no sessions, no subscriptions. The gateway's buffer, not the
 * broker's session, is the source of truth, so every reading still arrives, including those the gateway publishes
 * while the broker has no subscriber for them yet (it answers "no matching subscribers", and the gateway keeps them).
 */
class BrokerLostStateIT {

    private static final Duration BROKER_DOWN = Duration.ofSeconds(10);
    /** cloud-ingest returns this long after the broker, so the gateway publishes into a broker nobody listens to. */
    private static final Duration NOBODY_SUBSCRIBED = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @Test
    void brokerRestartedWithoutItsState_everyReadingStillArrives() throws Exception {
        try (FaultScenario scenario = FaultScenario.start(dir, "gw-lost")) {
            Set<String> accepted;
            String logBeforeCrash;
            try (ReadingStream stream = scenario.stream()) {
                stream.awaitAccepted(50, Duration.ofSeconds(30));
                // What the broker acknowledged but had not delivered yet would die with its state: that is the
                // broker's durability (its persistence settings), not the gateway's, so it is not tested here.
                stream.pause();
                Set<String> sofar = stream.accepted();
                await().atMost(Duration.ofSeconds(60)).until(() -> scenario.ledger.missing(sofar).isEmpty());
                scenario.unsubscribe();
                logBeforeCrash = scenario.gateway.log();

                scenario.broker.kill();
                scenario.broker.wipeState();
                stream.resume();
                Thread.sleep(BROKER_DOWN.toMillis());
                scenario.broker.start();
                scenario.gateway.awaitConnected();
                Thread.sleep(NOBODY_SUBSCRIBED.toMillis());
                scenario.subscribe();
                stream.awaitAccepted(50, Duration.ofSeconds(30));
                stream.close();
                accepted = stream.accepted();
            }

            scenario.assertEveryReadingArrives(accepted);
            // Proof that, after the crash, the gateway published into a broker with no subscriber and kept what the
            // broker dropped.
            assertThat(scenario.gateway.log().substring(logBeforeCrash.length())).contains("No matching subscribers");
            System.out.printf("BrokerLostStateIT: %d readings accepted, %d duplicate arrivals%n", accepted.size(),
                    scenario.ledger.duplicates());
        }
    }
}
