package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.inbox.Inbox;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;

/**
 * A readings message, made durable: decoded by the contract's codec and its readings committed to the {@link Inbox}
 * (whose workers take them through the pipeline), or — when it breaks the contract — the whole payload quarantined.
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
        ReadingBatch batch;
        try {
            Topic topic = Topic.parse(topicName);
            batch = (ReadingBatch) codec.decode(topic, payload);
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined").increment();
            return;
        }
        inbox.accept(topicName, batch.readings());
        metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "inboxed").increment();
    }
}
