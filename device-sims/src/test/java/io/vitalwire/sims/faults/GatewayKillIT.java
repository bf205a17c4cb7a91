package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the gateway process again and again while devices keep measuring: every reading the gateway answered
 * 2.04 for reaches the subscriber. Kills land between a commit and its answer, mid-claim, between a PUBLISH and its
 * PUBACK; rows in flight are requeued on start-up, so a batch may arrive twice, recognisably (the same keys).
 */
class GatewayKillIT {

    private static final int KILLS = 10;
    /** Readings each gateway incarnation must accept before it is killed: proof the stream went through it. */
    private static final int READINGS_PER_LIFE = 20;

    @TempDir
    Path dir;

    @Test
    void killNine_manyTimesDuringAStream_losesNoAcceptedReading() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (FaultScenario scenario = FaultScenario.start(dir, "gw-kill")) {
            Set<String> accepted;
            try (ReadingStream stream = scenario.stream()) {
                for (int kill = 0; kill < KILLS; kill++) {
                    stream.awaitAccepted(READINGS_PER_LIFE, Duration.ofSeconds(30));
                    Thread.sleep(100 + random.nextInt(1500));
                    scenario.gateway.kill();
                    scenario.gateway.start();
                    scenario.gateway.awaitConnected();
                }
                stream.awaitAccepted(READINGS_PER_LIFE, Duration.ofSeconds(30));
                stream.close();
                accepted = stream.accepted();
            }

            System.out.printf("GatewayKillIT: random seed %d%n", seed);
            scenario.assertEveryReadingArrives(accepted);
            assertThat(accepted).hasSizeGreaterThan(KILLS * READINGS_PER_LIFE);
            System.out.printf("GatewayKillIT: %d kills, %d readings accepted, %d arrived, %d duplicate arrivals%n",
                    KILLS, accepted.size(), scenario.ledger.keys().size(), scenario.ledger.duplicates());
        }
    }
}
