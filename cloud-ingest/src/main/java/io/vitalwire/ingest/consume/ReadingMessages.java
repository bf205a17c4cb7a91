package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.inbox.Arrival;
import io.vitalwire.ingest.inbox.Inbox;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * Readings messages, made durable: decoded by the contract's codec and their readings committed to the
 * {@link Inbox} (whose workers take them through the pipeline), or — when one breaks the contract — its whole payload
 * quarantined. Two steps, so that the consumer can decode each message as it arrives and commit many in one
 * transaction ({@link GroupCommitWriter}); {@link #handle} does both for one message.
 *
 * <p>Metric: {@code vitalwire.ingest.messages{channel=readings, outcome=inboxed|quarantined}}.
 */
@Singleton
public class ReadingMessages {

    private final ContractCodec codec = new ContractCodec();
    private final Inbox inbox;
    private final QuarantineStore quarantine;
    private final MeterRegistry metrics;

    public ReadingMessages(Inbox inbox, QuarantineStore quarantine, MeterRegistry metrics) {
        this.inbox = inbox;
        this.quarantine = quarantine;
        this.metrics = metrics;
    }

    /**
     * Takes one readings message: returns normally once its readings are committed to the inbox (or the payload to
     * the quarantine), so the message may then be acknowledged. Any exception means "not durable, do not
     * acknowledge": the broker delivers the message again.
     */
    public void handle(String topicName, byte[] payload) {
        decode(topicName, payload).ifPresent(arrival -> commit(List.of(arrival)));
    }

    /**
     * Decodes one readings message.
     *
     * @return its readings, still to {@link #commit}; empty when the message breaks the contract, in which case its
     *         payload is durable in the quarantine when this returns
     * @throws RuntimeException the quarantine could not be written (PostgreSQL failing): not durable
     */
    public Optional<Arrival> decode(String topicName, byte[] payload) {
        try {
            Topic topic = Topic.parse(topicName);
            ReadingBatch batch = (ReadingBatch) codec.decode(topic, payload);
            return Optional.of(new Arrival(topicName, batch.readings()));
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined").increment();
            return Optional.empty();
        }
    }

    /**
     * Commits the readings of decoded messages to the inbox in one transaction; returns normally once all of them are
     * durable. Any exception means none of them is: acknowledge none.
     */
    public void commit(List<Arrival> arrivals) {
        inbox.accept(arrivals);
        metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "inboxed")
                .increment(arrivals.size());
    }
}
