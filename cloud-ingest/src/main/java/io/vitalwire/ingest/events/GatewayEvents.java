package io.vitalwire.ingest.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.operations.OperationsEvents;
import io.vitalwire.ingest.quarantine.ContractPayloads;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a message from a gateway's {@code events} channel: the {@link GatewayEvent} is stored
 * ({@link GatewayEventStore}), counted, and a {@code gap} — readings the gateway's buffer refused (at capacity, or
 * with its disk full), a hole in a patient's record — logged at WARN, with the gateway, counts, reason, lane and
 * times, never patient data. A
 * payload that breaks the contract is quarantined like a readings payload. Each event, stored now or before (a
 * redelivery), is then judged for operations alerts ({@link OperationsEvents}: a low battery, a gap), which is
 * idempotent. Either way the message may then be acknowledged; that acknowledgement is what lets the gateway mark a
 * gap reported, or forget a device event.
 *
 * <p>Metric: {@code vitalwire.ingest.gateway.events{type}}, type one of {@link #COUNTED_TYPES} or {@code other}
 * (gateways choose the type: an open set would be an unbounded label).
 */
@Singleton
public class GatewayEvents {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayEvents.class);
    static final Set<String> COUNTED_TYPES = Set.of("gap", "device-connected", "device-disconnected", "clock-set",
            "device-battery");

    private final GatewayEventStore store;
    private final ContractPayloads payloads;
    private final OperationsEvents operations;
    private final MeterRegistry metrics;
    private final Clock clock;

    public GatewayEvents(GatewayEventStore store, ContractPayloads payloads, OperationsEvents operations,
                         MeterRegistry metrics, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.payloads = payloads;
        this.operations = operations;
        this.metrics = metrics;
    }

    /**
     * Returns normally once the event (or the refused payload) is durable. Any exception means "do not
     * acknowledge": the broker delivers the message again.
     */
    public void handle(String topicName, byte[] payload) {
        Optional<ContractPayloads.Decoded> decoded = payloads.decode(topicName, payload, Set.of(Channel.EVENTS),
                "events");
        if (decoded.isEmpty()) {
            return;
        }
        Topic topic = decoded.get().topic();
        GatewayEvent event = (GatewayEvent) decoded.get().message();
        boolean stored = store.put(topic.tenant(), event, payload, clock.instant());
        metrics.counter("vitalwire.ingest.messages", "channel", "events", "outcome", stored ? "stored" : "duplicate")
                .increment();
        operations.received(topic.tenant(), event);
        if (!stored) {
            return;
        }
        metrics.counter("vitalwire.ingest.gateway.events", "type",
                COUNTED_TYPES.contains(event.type()) ? event.type() : "other").increment();
        if (event.type().equals("gap")) {
            LOG.warn("gateway {} ({}) reports gap {}: {} readings refused ({}) on lane {} from {} to {}, "
                            + "{} devices; these readings are missing downstream", event.gatewayId(), topic.tenant(),
                    attribute(event, "gapId"), attribute(event, "refusedReadings"), attribute(event, "reason"),
                    attribute(event, "lane"),
                    attribute(event, "firstRefusedAt"), attribute(event, "lastRefusedAt"),
                    attribute(event, "deviceCount"));
        }
    }

    /** An attribute as it may go into a log line: short, on one line. */
    private static String attribute(GatewayEvent event, String name) {
        String value = event.attributes().getOrDefault(name, "?");
        String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 64 ? oneLine.substring(0, 64) + "…" : oneLine;
    }
}
