package io.vitalwire.ingest.quarantine;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractMessage;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Topic;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes what a gateway published by the contract, for the consumers of its events, state and status channels; a
 * payload that breaks the contract (or arrived on a topic the caller does not take) is quarantined whole with its
 * reason and counted, never dropped, and the message may then be acknowledged like any other.
 */
@Singleton
public class ContractPayloads {

    private final ContractCodec codec = new ContractCodec();
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;

    public ContractPayloads(QuarantineStore quarantine, MeterRegistry metrics) {
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    /** A payload decoded, with the topic it arrived on. */
    public record Decoded(Topic topic, ContractMessage message) {
    }

    /**
     * @param channels the channels the caller takes
     * @param counted  the {@code channel} tag under which a refusal is counted
     *                 ({@code vitalwire.ingest.messages{channel, outcome=quarantined}})
     * @return the message, or empty when it was quarantined (durably: the caller may acknowledge it)
     */
    public Optional<Decoded> decode(String topicName, byte[] payload, Set<Channel> channels, String counted) {
        try {
            Topic topic = Topic.parse(topicName);
            if (!channels.contains(topic.channel())) {
                throw new ContractViolation(ContractViolation.Reason.INVALID_TOPIC,
                        "not a topic of " + channels + ": " + topicName);
            }
            return Optional.of(new Decoded(topic, codec.decode(topic, payload)));
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", counted, "outcome", "quarantined").increment();
            return Optional.empty();
        }
    }
}
