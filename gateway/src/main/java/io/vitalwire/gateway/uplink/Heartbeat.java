package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.status.AdapterStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The {@code status} heartbeat: the uplink's state, the buffer's backlog, each input adapter's state and the clock
 * synchronisation, at once after connecting and then every heartbeat interval. QoS 1 but not waited for: a lost
 * heartbeat is replaced by the next one, and the uplink must not stall on it.
 */
final class Heartbeat {

    private final ReadingBuffer buffer;
    private final UplinkTopics topics;
    private final ContractCodec codec;
    private final List<AdapterStatus> adapters;
    private final GatewayClockSync clockSync;
    private final Duration interval;
    private final Clock clock;
    /** When the next heartbeat is due, on a clock that setting the wall clock does not move. */
    private final Clock timers;
    private Instant next = Instant.EPOCH;

    /**
     * @param clock  the wall clock, for the heartbeat's time
     * @param timers a {@link io.vitalwire.gateway.clock.MonotonicClock}, for the interval
     */
    Heartbeat(ReadingBuffer buffer, UplinkTopics topics, ContractCodec codec, List<AdapterStatus> adapters,
              GatewayClockSync clockSync, Duration interval, Clock clock, Clock timers) {
        this.buffer = buffer;
        this.topics = topics;
        this.codec = codec;
        this.adapters = List.copyOf(adapters);
        this.clockSync = clockSync;
        this.interval = interval;
        this.clock = clock;
        this.timers = timers;
    }

    /** A new connection: the next heartbeat goes at once. */
    void dueNow() {
        next = Instant.EPOCH;
    }

    /** How long until the next heartbeat is due (zero or negative: now); the uplink sleeps no longer. */
    Duration dueIn() {
        return Duration.between(timers.instant(), next);
    }

    void publishIfDue(MqttAsyncClient client, UplinkState state) throws MqttException {
        Instant due = timers.instant();
        if (due.isBefore(next)) {
            return;
        }
        Instant now = clock.instant();
        BufferStats stats = buffer.stats();
        Long oldestUnreceipted = stats.oldestUnsentAge().map(Duration::toMillis).orElse(null);
        GatewayStatus status = new GatewayStatus(ContractVersion.CURRENT, topics.gatewayId(), now, stats.unsent(),
                oldestUnreceipted, state.wireName(), adapterStates(adapters), clockSync.state(),
                stats.awaitingReceipt(), oldestUnreceipted, null);
        client.publish(topics.path(Channel.STATUS), codec.encode(status), 1, false);
        next = due.plus(interval);
    }

    /** name → state of every input adapter; one that fails to answer is reported as {@code unknown}. */
    static Map<String, String> adapterStates(List<AdapterStatus> adapters) {
        Map<String, String> states = new TreeMap<>();
        for (AdapterStatus a : adapters) {
            String value;
            try {
                value = a.state();
            } catch (RuntimeException e) {
                value = "unknown";
            }
            states.put(a.name(), value == null ? "unknown" : value);
        }
        return states;
    }
}
