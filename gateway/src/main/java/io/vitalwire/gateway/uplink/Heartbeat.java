package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.remote.RemoteConfig;
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
 * synchronisation and the version of the configuration from the cloud it applied, at once after connecting and then
 * every heartbeat interval (the cloud's {@code reporting.statusIntervalSeconds} where its configuration sets one,
 * from the heartbeat after the one that was due when it arrived). QoS 1 but not waited for: a lost
 * heartbeat is replaced by the next one, and the uplink must not stall on it.
 */
final class Heartbeat {

    private final ReadingBuffer buffer;
    private final UplinkTopics topics;
    private final ContractCodec codec;
    private final List<AdapterStatus> adapters;
    private final GatewayClockSync clockSync;
    private final Duration localInterval;
    private final RemoteConfig remote;
    private final Clock clock;
    /** When the next heartbeat is due, on a clock that setting the wall clock does not move. */
    private final Clock timers;
    /** Volatile: a configuration applied on the MQTT client's thread makes the next heartbeat due at once. */
    private volatile Instant next = Instant.EPOCH;

    /**
     * @param clock  the wall clock, for the heartbeat's time
     * @param timers a {@link io.vitalwire.gateway.clock.MonotonicClock}, for the interval
     */
    Heartbeat(ReadingBuffer buffer, UplinkTopics topics, ContractCodec codec, List<AdapterStatus> adapters,
              GatewayClockSync clockSync, Duration interval, RemoteConfig remote, Clock clock, Clock timers) {
        this.buffer = buffer;
        this.topics = topics;
        this.codec = codec;
        this.adapters = List.copyOf(adapters);
        this.clockSync = clockSync;
        this.localInterval = interval;
        this.remote = remote;
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
                stats.awaitingReceipt(), oldestUnreceipted, remote.appliedVersion());
        client.publish(topics.path(Channel.STATUS), codec.encode(status), 1, false);
        next = due.plus(interval());
    }

    /** The cloud's interval where its configuration sets one, else the local one. */
    Duration interval() {
        return remote.applied().map(GatewayConfig::reporting).map(GatewayConfig.Reporting::statusIntervalSeconds)
                .map(Duration::ofSeconds).orElse(localInterval);
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
