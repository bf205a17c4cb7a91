package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's path to the broker black-holed — packets dropped, nothing refused or reset — while devices keep
 * measuring, then restored: the gateway notices without any error from the network (its acknowledgement deadline and
 * MQTT keepalive), reports its uplink down, keeps accepting readings into its buffer, and once the path is back
 * reconnects within a bound and delivers every reading it accepted, those of the partition included. cloud-ingest's
 * side keeps its own path to the broker throughout.
 *
 * <p>CI cuts the path for {@link #DEFAULT_PARTITION} (the gateway's deadlines, 30 s each, have all expired many times
 * over by then); the five minutes are {@code -Dvitalwire.faults.partition=5m} (see the README's test section).
 */
class PartitionIT {

    /** What CI runs: long enough for every deadline and several failed reconnects, short enough for CI. */
    static final Duration DEFAULT_PARTITION = Duration.ofSeconds(75);
    /**
     * From the path's return to the gateway's first delivery: a connection attempt already under way may still be
     * waiting out its unanswered SYNs (10 s connect timeout), then the backoff (at most 2 s here) and the TLS and
     * MQTT handshakes. Measured: a few seconds.
     */
    private static final Duration RECONNECT_LIMIT = Duration.ofSeconds(30);
    /** The acknowledgement deadline (30 s) or a missed keepalive (30 s, then its answer's wait) tells it. */
    private static final Duration NOTICE_LIMIT = Duration.ofSeconds(75);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void pathBlackHoled_gatewayGoesDown_buffers_reconnectsWhenItReturns_andEveryReadingArrives() throws Exception {
        assumeTrue(NetworkPartition.available(), "network namespaces need root and iproute2");
        Duration partitionLength = FaultLength.of("vitalwire.faults.partition", DEFAULT_PARTITION);
        try (NetworkPartition partition = NetworkPartition.create();
             FaultScenario scenario = FaultScenario.startBehind(partition, dir, "gw-partition", Map.of())) {
            Set<String> accepted;
            Set<String> duringPartition;
            Duration noticedAfter;
            String uplinkWhileCut;
            Instant healed;
            try (ReadingStream stream = scenario.stream()) {
                stream.awaitAccepted(50, Duration.ofSeconds(30));

                Instant cut = Instant.now();
                partition.blackHole();
                Set<String> beforeCut = stream.accepted();
                try {
                    scenario.gateway.awaitDisconnected();
                } catch (IllegalStateException e) {
                    scenario.printGatewayLog();
                    throw e;
                }
                noticedAfter = Duration.between(cut, Instant.now());
                uplinkWhileCut = JSON.readTree(scenario.gateway.get("/health")).path("details").path("uplink")
                        .toString();
                Duration rest = partitionLength.minus(Duration.between(cut, Instant.now()));
                if (!rest.isNegative()) {
                    Thread.sleep(rest.toMillis());
                }
                duringPartition = new HashSet<>(stream.accepted());
                duringPartition.removeAll(beforeCut);
                // A reading answered just before the cut went out with the last batches that got through.
                duringPartition.removeAll(scenario.ledger.keys());

                healed = Instant.now();
                partition.heal();
                try {
                    await().atMost(RECONNECT_LIMIT).pollInterval(Duration.ofMillis(100))
                            .until(() -> scenario.ledger.firstArrivalOf(duringPartition).isPresent());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    scenario.printGatewayLog();
                    throw e;
                }
                scenario.gateway.awaitConnected();
                stream.awaitAccepted(50, Duration.ofSeconds(30));
                stream.close();
                accepted = stream.accepted();
            }

            assertThat(noticedAfter).as("time to notice a silent path").isLessThan(NOTICE_LIMIT);
            assertThat(uplinkWhileCut).as("health while cut off").contains("DOWN").contains("connecting");
            assertThat(duringPartition).as("readings accepted while cut off").hasSizeGreaterThan(100);
            scenario.assertEveryReadingArrives(accepted);
            Duration reconnect = Duration.between(healed, scenario.ledger.firstArrivalOf(duringPartition)
                    .orElseThrow());
            System.out.printf(Locale.ROOT, "PartitionIT: %d s black hole, noticed after %d s; %d readings accepted "
                            + "meanwhile; the first arrived %d ms after the path returned; %d readings in all, %d "
                            + "duplicate arrivals (batches in flight at the cut, stored once by key)%n",
                    partitionLength.toSeconds(), noticedAfter.toSeconds(), duringPartition.size(),
                    reconnect.toMillis(), accepted.size(), scenario.ledger.duplicates());
        }
    }
}
