package io.vitalwire.sims.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's wall clock is set forward by three hours, then back by six, then forward by three again, while devices
 * keep measuring and the broker goes away for a while in between: every reading arrives once, measurement times stay
 * the devices' own (and say honestly when they are only the gateway's receive time), heartbeats keep their interval
 * through every jump, and maintenance on a clock three hours ahead deletes no unsent reading.
 *
 * <p>The machine's clock is shared, so the gateway's alone is moved, through its fault-drill offset file
 * ({@code vitalwire.gateway.clock.offset-file}); the devices' clocks stay right, as in a home whose hub got a wrong
 * time from a bad NTP answer or an operator.
 */
class ClockJumpIT {

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    /** A heartbeat must come within this after a jump: a few intervals, not the hours the jump spans. */
    private static final Duration HEARTBEAT_LIMIT = HEARTBEAT.multipliedBy(4);
    /** Longer than the offset file's re-read (100 ms) and a request in progress: readings after it saw the jump. */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration PHASE = Duration.ofSeconds(6);
    /**
     * About 100 readings a second from the two thermometers, each dated a second before the last: their times then
     * stay within the hour before the real time, three hours behind the gateway that is ahead, and hours ahead of
     * the gateway that is behind. Flat out, they would be dated hours back within a minute.
     */
    private static final Duration PACE = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void clockSetForwardAndBackByHours_nothingLostOrDuplicated_timesHonest_heartbeatsKeepTheirInterval()
            throws Exception {
        Path offset = Files.writeString(dir.resolve("clock-offset"), "PT0S");
        try (FaultScenario scenario = FaultScenario.start(dir, "gw-clock", Map.of(
                "vitalwire.gateway.clock.offset-file", offset.toString(),
                "vitalwire.gateway.uplink.heartbeat-interval", HEARTBEAT.toSeconds() + "s",
                // Maintenance every second with a retention shorter than the jump: a purge judged on the jumped
                // clock sees every acknowledged row as expired, and must still leave every unsent one alone.
                "vitalwire.gateway.buffer.maintenance-interval", "1s",
                "vitalwire.gateway.buffer.acknowledged-retention", "1h"))) {
            List<Instant> heartbeats = new CopyOnWriteArrayList<>();
            MqttClient status = scenario.subscribeTo(Channel.STATUS, m -> {
                if (m instanceof GatewayStatus) {
                    heartbeats.add(Instant.now());
                }
            });
            Set<String> ahead;
            Set<String> behind;
            Set<String> accepted;
            try (ReadingStream stream = scenario.stream(PACE)) {
                stream.awaitAccepted(100, Duration.ofSeconds(30));

                // Three hours ahead, with batches in flight.
                jump(offset, "PT3H");
                Set<String> before = stream.accepted();
                awaitHeartbeatAfter(scenario, heartbeats, Instant.now(), HEARTBEAT_LIMIT);
                Thread.sleep(PHASE.toMillis());
                // The broker away while the clock is ahead: readings pile up unsent while maintenance runs. Stopped
                // with nothing in flight, so that a batch whose PUBACK the stop swallowed is not sent twice.
                stream.pause();
                scenario.assertEveryReadingArrives(stream.accepted());
                scenario.broker.stop();
                scenario.gateway.awaitDisconnected();
                stream.resume();
                Thread.sleep(PHASE.toMillis());
                ahead = minus(stream.accepted(), before);
                Instant brokerBack = Instant.now();
                scenario.broker.start();
                scenario.gateway.awaitConnected();
                // The status subscriber reconnects by itself, within seconds.
                awaitHeartbeatAfter(scenario, heartbeats, brokerBack, Duration.ofSeconds(30));

                // Six hours back: three behind the devices.
                jump(offset, "-PT3H");
                Set<String> beforeBehind = stream.accepted();
                awaitHeartbeatAfter(scenario, heartbeats, Instant.now(), HEARTBEAT_LIMIT);
                Thread.sleep(PHASE.toMillis());
                behind = minus(stream.accepted(), beforeBehind);

                // And right again: three hours forward.
                jump(offset, "PT0S");
                awaitHeartbeatAfter(scenario, heartbeats, Instant.now(), HEARTBEAT_LIMIT);
                stream.awaitAccepted(100, Duration.ofSeconds(30));
                stream.close();
                accepted = stream.accepted();
            }

            scenario.assertEveryReadingArrives(accepted);
            assertThat(scenario.ledger.duplicates()).as("readings delivered more than once").isZero();
            assertThat(ahead).as("readings accepted while the gateway was ahead").hasSizeGreaterThan(100);
            assertThat(behind).as("readings accepted while the gateway was behind").hasSizeGreaterThan(100);
            for (String key : ahead) {
                // Device times three hours in the gateway's past are within its window: the device's time stands.
                Reading r = scenario.ledger.reading(key).orElseThrow();
                assertThat(r.clockQuality()).as(key).isEqualTo(ClockQuality.UNCORRECTED);
                assertThat(r.measuredAt()).as(key).isEqualTo(Instant.parse(r.deviceTime()));
            }
            for (String key : behind) {
                // Device times three hours in the gateway's future are not believed: the reading says it carries
                // the receive time, and keeps the device's time for whoever knows better.
                Reading r = scenario.ledger.reading(key).orElseThrow();
                assertThat(r.clockQuality()).as(key).isEqualTo(ClockQuality.RECEIVE_TIME);
                assertThat(r.measuredAt()).as(key).isEqualTo(r.receivedAt());
                assertThat(Duration.between(r.measuredAt(), Instant.parse(r.deviceTime())))
                        .as(key).isGreaterThan(Duration.ofHours(2));
            }
            System.out.printf("ClockJumpIT: %d readings accepted (%d while ahead, %d while behind), all delivered "
                    + "once; %d heartbeats%n", accepted.size(), ahead.size(), behind.size(), heartbeats.size());
            status.disconnect();
            status.close();
        }
    }

    private static void jump(Path offset, String duration) throws Exception {
        Files.writeString(offset, duration);
        Thread.sleep(SETTLE.toMillis());
    }

    /** A heartbeat arrives within {@code limit} of {@code after}: e.g. a jump did not stall it. */
    private static void awaitHeartbeatAfter(FaultScenario scenario, List<Instant> heartbeats, Instant after,
                                            Duration limit) throws Exception {
        try {
            await().atMost(limit).pollInterval(Duration.ofMillis(100))
                    .until(() -> heartbeats.stream().anyMatch(at -> at.isAfter(after)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.println("heartbeats arrived at " + heartbeats + "; none after " + after);
            scenario.printGatewayLog();
            throw e;
        }
    }

    private static Set<String> minus(Set<String> all, Set<String> before) {
        Set<String> rest = new HashSet<>(all);
        rest.removeAll(before);
        return rest;
    }
}
