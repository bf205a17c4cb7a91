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
import io.vitalwire.ingest.quarantine.ReadingChecks;
import io.vitalwire.ingest.quarantine.QuarantineStore;
import jakarta.inject.Singleton;
import java.time.Clock;
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
    private final Clock clock;

    /** @param clock the service's clock, which the contract's plausible times are judged against */
    public ReadingMessages(Inbox inbox, QuarantineStore quarantine, MeterRegistry metrics, Clock clock) {
        this.inbox = inbox;
        this.quarantine = quarantine;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Takes one readings message: returns normally once its readings are committed to the inbox (or the payload to
     * the quarantine), so the message may then be acknowledged. Any exception means "not durable, do not
     * acknowledge": the broker delivers the message again.
     */
    public void handle(String topicName, byte[] payload) {
        decode(topicName, payload).readings().ifPresent(arrival -> commit(List.of(arrival)));
    }

    /**
     * One decoded readings message.
     *
     * @param readings its readings still to {@link #commit}; empty when the message breaks the contract (its payload
     *                 is then durable in the quarantine), or when none of its readings is the sending gateway's to
     *                 write or plausible (each one quarantined, see {@link #acceptable})
     * @param receipt  the batch to name in a receipt once {@code readings} are committed (at once when empty); empty
     *                 when the batch carries no batch id or broke the contract
     */
    public record Decoded(Optional<Arrival> readings, Optional<ReceiptDue> receipt) {
    }

    /**
     * Decodes one readings message.
     *
     * @throws RuntimeException the quarantine could not be written (PostgreSQL failing): not durable
     */
    public Decoded decode(String topicName, byte[] payload) {
        try {
            Topic topic = Topic.parse(topicName);
            // The codec refuses a batch whose gatewayId is not the topic's (INVALID_TOPIC): batch and topic agree here.
            ReadingBatch batch = (ReadingBatch) codec.decode(topic, payload);
            Optional<ReceiptDue> receipt = Optional.ofNullable(batch.batchId()).map(id -> ReceiptDue.of(topic, id));
            List<Reading> own = acceptable(topicName, topic.gatewayId(), batch.readings());
            if (own.isEmpty()) {
                metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined")
                        .increment();
                return new Decoded(Optional.empty(), receipt);
            }
            return new Decoded(Optional.of(new Arrival(topicName, own)), receipt);
        } catch (ContractViolation v) {
            // No receipt: a batch id read from a payload that broke the contract could not be trusted. A gateway
            // (which encodes with this codec) never sends one; what it would do is send it again, quarantined again.
            quarantine.put(topicName, null, null, QuarantineReason.CONTRACT_VIOLATION,
                    v.reason() + ": " + v.getMessage(), payload);
            metrics.counter("vitalwire.ingest.messages", "channel", "readings", "outcome", "quarantined").increment();
            return new Decoded(Optional.empty(), Optional.empty());
        }
    }

    /**
     * The readings the inbox may take; the others are quarantined one by one (committed before this returns) with
     * the reason {@link ReadingChecks} gives ({@code GATEWAY_MISMATCH}, {@code IMPLAUSIBLE_TIME},
     * {@code IMPLAUSIBLE_VALUE}: the checks a replay applies too), and the rest of the message is taken as usual.
     */
    private List<Reading> acceptable(String topicName, String gatewayId, List<Reading> readings) {
        List<Reading> taken = new ArrayList<>(readings.size());
        for (Reading r : readings) {
            Optional<ReadingChecks.Refusal> refusal = ReadingChecks.refusal(gatewayId, r, clock.instant());
            if (refusal.isPresent()) {
                quarantine.putReading(topicName, r, refusal.get().reason(), refusal.get().detail());
                continue;
            }
            taken.add(r);
        }
        return taken;
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
