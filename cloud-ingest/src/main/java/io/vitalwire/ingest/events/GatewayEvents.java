package io.vitalwire.ingest.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a message from a gateway's {@code events} channel: the {@link GatewayEvent} is stored
 * ({@link GatewayEventStore}), counted, and a {@code gap} — readings the gateway's buffer refused at capacity, a
 * hole in a patient's record — logged at WARN, with the gateway, counts, lane and times, never patient data. A
 * payload that breaks the contract is quarantined like a readings payload. Either way the message may then be
 * acknowledged; that acknowledgement is what lets the gateway mark a gap reported.
 *
 * <p>Metric: {@code vitalwire.ingest.gateway.events{type}}, type one of {@link #COUNTED_TYPES} or {@code other}
 * (gateways choose the type: an open set would be an unbounded label).
 */
@Singleton
public class GatewayEvents {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayEvents.class);
    static final Set<String> COUNTED_TYPES = Set.of("gap", "device-connected", "device-disconnected", "clock-set");

    private final ContractCodec codec = new ContractCodec();
    private final GatewayEventStore store;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;
    private final Clock clock;

    public GatewayEvents(GatewayEventStore store, QuarantineStore quarantine, MeterRegistry metrics, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    /**
     * Returns normally once the event (or the refused payload) is durable. Any exception means "do not
     * acknowledge": the broker delivers the message again.
     */
    public void handle(String topicName, byte[] payload) {
        Topic topic;
        GatewayEvent event;
        try {
            topic = Topic.parse(topicName);
            ContractMessage message = codec.decode(topic, payload);
            if (!(message instanceof GatewayEvent e)) {
                throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC,
                        "not an events topic: " + topicName);
            }
            event = e;
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "events", "outcome", "quarantined").increment();
            return;
        }
        boolean stored = store.put(topic.tenant(), event, payload, clock.instant());
        metrics.counter("vitalwire.ingest.messages", "channel", "events", "outcome", stored ? "stored" : "duplicate")
                .increment();
        if (!stored) {
            return;
        }
        metrics.counter("vitalwire.ingest.gateway.events", "type",
                COUNTED_TYPES.contains(event.type()) ? event.type() : "other").increment();
        if (event.type().equals("gap")) {
            LOG.warn("gateway {} ({}) reports gap {}: {} readings refused at capacity on lane {} from {} to {}, "
                            + "{} devices; these readings are missing downstream", event.gatewayId(), topic.tenant(),
                    attribute(event, "gapId"), attribute(event, "refusedReadings"), attribute(event, "lane"),
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
