package io.vitalwire.ingest.consume;

import io.vitalwire.contract.Channel;
import io.vitalwire.contract.Topic;

/**
 * A readings batch whose gateway is owed a receipt once its readings are durable.
 *
 * @param gateway the receipts topic of the batch's gateway (its tenant and id, as the readings topic named them)
 * @param batchId the batch id the batch carried
 */
public record ReceiptDue(Topic gateway, String batchId) {

    /** For a batch that arrived on {@code readingsTopic}. */
    public static ReceiptDue of(Topic readingsTopic, String batchId) {
        return new ReceiptDue(Topic.of(readingsTopic.tenant(), readingsTopic.gatewayId(), Channel.RECEIPTS), batchId);
    }
}
