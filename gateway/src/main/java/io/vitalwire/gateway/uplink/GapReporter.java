package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.gateway.buffer.Gap;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the buffer's refusal gaps as "gap" events (QoS 1), each marked reported after its PUBACK: right after
 * connecting, then once per heartbeat interval while some remain. A gap that grew meanwhile stays unreported and
 * goes again with its new totals under the same gapId; one the broker does not take (e.g. 0x10, nobody subscribes
 * to events yet) waits for the next round.
 */
final class GapReporter {

    private static final Logger LOG = LoggerFactory.getLogger(GapReporter.class);

    private final ReadingBuffer buffer;
    private final UplinkTopics topics;
    private final ContractCodec codec;
    private final Duration interval;
    private final Duration ackTimeout;
    /** A {@link io.vitalwire.gateway.clock.MonotonicClock}: rounds keep their interval when the wall clock is set. */
    private final Clock timers;
    private Instant next = Instant.EPOCH;

    GapReporter(ReadingBuffer buffer, UplinkTopics topics, ContractCodec codec, Duration interval, Duration ackTimeout,
                Clock timers) {
        this.buffer = buffer;
        this.topics = topics;
        this.codec = codec;
        this.interval = interval;
        this.ackTimeout = ackTimeout;
        this.timers = timers;
    }

    /** A new connection: report at once. */
    void dueNow() {
        next = Instant.EPOCH;
    }

    /** Publishes the unreported gaps one by one, each waiting for its PUBACK, if a round is due. */
    void reportIfDue(MqttAsyncClient client) throws MqttException {
        Instant now = timers.instant();
        if (now.isBefore(next)) {
            return;
        }
        next = now.plus(interval);
        for (Gap gap : buffer.unreportedGaps()) {
            Optional<MqttException> refused = AcknowledgedPublish.publish(client, topics.path(Channel.EVENTS),
                    codec.encode(gap.toEvent(topics.gatewayId())), ackTimeout);
            if (refused.isPresent()) {
                LOG.info("gap {} not taken by the broker ({}); reporting it again later", gap.id(),
                        refused.get().getMessage());
                return;
            }
            buffer.markGapReported(gap);
        }
    }
}
