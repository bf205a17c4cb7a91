package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.Channel;
import io.vitalwire.gateway.buffer.EventOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the device events waiting in the {@link EventOutbox} on the {@code events} channel (QoS 1), oldest first,
 * each removed only after its PUBACK: as soon as one is queued (the outbox wakes the uplink), after every connect,
 * and, when the broker did not take one (e.g. 0x10: nobody subscribes to events yet), again a heartbeat interval
 * later. The outbox is looked at only when something may be waiting, not on every pass of the uplink.
 */
final class EventReporter {

    private static final Logger LOG = LoggerFactory.getLogger(EventReporter.class);
    /** Events per pass, so that a backlog after an outage does not hold readings back for long. */
    private static final int PER_PASS = 100;

    private final EventOutbox outbox;
    private final UplinkTopics topics;
    private final Duration retryInterval;
    private final Duration ackTimeout;
    /** A {@link io.vitalwire.gateway.clock.MonotonicClock}: a retry waits its interval when the wall clock is set. */
    private final Clock timers;
    /** Something may be waiting in the outbox; set from any thread, cleared by the uplink's. */
    private final AtomicBoolean waiting = new AtomicBoolean(true);
    private Instant notBefore = Instant.EPOCH;

    EventReporter(EventOutbox outbox, UplinkTopics topics, Duration retryInterval, Duration ackTimeout, Clock timers) {
        this.outbox = outbox;
        this.topics = topics;
        this.retryInterval = retryInterval;
        this.ackTimeout = ackTimeout;
        this.timers = timers;
    }

    /** An event was queued (any thread). */
    void queued() {
        waiting.set(true);
    }

    /** A new connection: publish what waits at once. */
    void dueNow() {
        notBefore = Instant.EPOCH;
        waiting.set(true);
    }

    /** Publishes waiting events one by one, each waiting for its PUBACK, unless none waits or one was just refused. */
    void reportIfDue(MqttAsyncClient client) throws MqttException {
        if (timers.instant().isBefore(notBefore) || !waiting.getAndSet(false)) {
            return;
        }
        boolean more = true;
        try {
            List<EventOutbox.Pending> pending = outbox.oldest(PER_PASS);
            for (EventOutbox.Pending event : pending) {
                Optional<MqttException> refused = AcknowledgedPublish.publish(client, topics.path(Channel.EVENTS),
                        event.payload(), ackTimeout);
                if (refused.isPresent()) {
                    LOG.info("a device event was not taken by the broker ({}); publishing it again in {}",
                            refused.get().getMessage(), retryInterval);
                    notBefore = timers.instant().plus(retryInterval);
                    return;
                }
                outbox.remove(event.id());
            }
            more = pending.size() == PER_PASS;
        } finally {
            // Refused, failed or a full pass: look again (after notBefore, if refused).
            if (more) {
                waiting.set(true);
            }
        }
    }
}
