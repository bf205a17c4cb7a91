package io.vitalwire.ingest.operations;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.GatewayState;
import io.vitalwire.contract.GatewayStatus;
import io.vitalwire.contract.Presence;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.quarantine.ContractPayloads;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message from a gateway's {@code state} channel (online, offline) or {@code status} channel (heartbeats), made
 * durable as the gateway's presence ({@link PresenceStore}), or — when it breaks the contract — quarantined like any
 * payload. Either way the message may then be acknowledged. The offline alert is {@link GatewayOfflineAlerts}'s.
 *
 * <p>Metric: {@code vitalwire.ingest.messages{channel=state|status, outcome=stored|quarantined}}.
 */
@Singleton
public class PresenceMessages {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceMessages.class);

    private static final Set<Channel> CHANNELS = Set.of(Channel.STATE, Channel.STATUS);

    private final PresenceStore store;
    private final ContractPayloads payloads;
    private final MeterRegistry metrics;
    private final Clock clock;

    public PresenceMessages(PresenceStore store, ContractPayloads payloads, MeterRegistry metrics, Clock clock) {
        this.store = store;
        this.payloads = payloads;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A message as published now (not a retained one replayed): see {@link #handle(String, byte[], boolean)}. */
    public void handle(String topicName, byte[] payload) {
        handle(topicName, payload, false);
    }

    /**
     * Returns normally once the presence (or the refused payload) is durable. Any exception means "do not
     * acknowledge": the broker delivers the message again.
     *
     * @param retained the broker replayed its retained state because this replica subscribed (MQTT's retain flag on
     *                 delivery): not news. It only introduces a gateway not known yet; replayed on every reconnect of
     *                 every replica, it must not make an offline gateway "heard" again, which would start a new
     *                 offline period and a second alert for the same one
     */
    public void handle(String topicName, byte[] payload, boolean retained) {
        String channel = topicName.endsWith("/" + Channel.STATE.segment()) ? "state" : "status";
        Optional<ContractPayloads.Decoded> decoded = payloads.decode(topicName, payload, CHANNELS, channel);
        if (decoded.isEmpty()) {
            return;
        }
        Topic topic = decoded.get().topic();
        PresenceStore.GatewayRef gateway = new PresenceStore.GatewayRef(topic.tenant(), topic.gatewayId());
        try {
            if (decoded.get().message() instanceof GatewayState state && retained) {
                store.introduce(gateway, state.state() == Presence.ONLINE ? PresenceState.ONLINE
                        : PresenceState.OFFLINE, state.at(), state.software(), clock.instant());
            } else if (decoded.get().message() instanceof GatewayState state) {
                if (state.state() == Presence.ONLINE) {
                    store.online(gateway, state.at(), state.software(), clock.instant());
                } else {
                    store.offline(gateway, state.at(), state.software(), clock.instant());
                    LOG.info("gateway {} ({}) is offline (its last will or its shutdown)", gateway.gateway(),
                            gateway.tenant());
                }
            } else {
                GatewayStatus status = (GatewayStatus) decoded.get().message();
                store.heartbeat(gateway, status.at(), status.queueDepth(), status.oldestUnsentAgeMillis(),
                        status.uplink(), status.configVersion(), clock.instant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a gateway's presence: " + e.getMessage(), e);
        }
        metrics.counter("vitalwire.ingest.messages", "channel", topic.channel().segment(), "outcome", "stored")
                .increment();
    }
}
