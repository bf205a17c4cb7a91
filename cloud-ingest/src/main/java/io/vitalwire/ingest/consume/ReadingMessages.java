package io.vitalwire.ingest.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.inbox.Arrival;
import io.vitalwire.ingest.inbox.Inbox;
import io.vitalwire.ingest.quarantine.QuarantineReason;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.util.ArrayList;
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
     *         payload is durable in the quarantine when this returns, or when none of its readings is the sending
     *         gateway's to write (each one quarantined, see {@link #ownReadings})
     * @throws RuntimeException the quarantine could not be written (PostgreSQL failing): not durable
     */
    public Optional<Arrival> decode(String topicName, byte[] payload) {
        try {
            Topic topic = Topic.parse(topicName);
            // The codec refuses a batch whose gatewayId is not the topic's (INVALID_TOPIC): batch and topic agree here.
            ReadingBatch batch = (ReadingBatch) codec.decode(topic, payload);
            List<Reading> own = ownReadings(topicName, topic.gatewayId(), batch.readings());
            if (own.isEmpty()) {
                metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined")
                        .increment();
                return Optional.empty();
            }
            return Optional.of(new Arrival(topicName, own));
        } catch (ContractViolation v) {
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined").increment();
            return Optional.empty();
        }
    }

    /**
     * The readings whose key the sending gateway may write: those beginning with its own id ({@code ReadingKey.of}
     * puts the gateway first). Why: the key is the reading's identity in the inbox, in FHIR and in InfluxDB, so a
     * gateway writing under another's keys could claim that gateway's future readings and have the genuine ones
     * taken for duplicates. The others are quarantined one by one ({@code GATEWAY_MISMATCH}, committed before this
     * returns); the rest of the message is taken as usual.
     */
    private List<Reading> ownReadings(String topicName, String gatewayId, List<Reading> readings) {
        String prefix = gatewayId + "/";
        List<Reading> own = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            if (r.key().startsWith(prefix)) {
                own.add(r);
            } else {
                quarantine.putReading(topicName, r, QuarantineReason.GATEWAY_MISMATCH, "key names gateway '"
                        + r.key().substring(0, Math.max(0, r.key().indexOf('/'))) + "', sent by gateway '" + gatewayId
                        + "': a gateway writes only under its own keys");
            }
        }
        return own;
    }

    /**
     * Quarantines a single reading that PostgreSQL refused as data ({@code INBOX_REFUSED}, with the SQLSTATE); returns
     * once the entry is durable, so that its message may be acknowledged.
     */
    void setAside(Arrival refused, String sqlState) {
        for (Reading r : refused.readings()) {
            quarantine.putReading(refused.topic(), r, QuarantineReason.INBOX_REFUSED, "PostgreSQL refused the reading "
                    + "as data (SQLSTATE " + sqlState + "): a value or time beyond what the inbox can store");
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
