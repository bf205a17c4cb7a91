package io.vitalwire.contract;

import java.time.Instant;
import java.util.List;

/**
 * The payload on {@code …/receipts} (since 1.1), written by cloud-ingest only: the readings batches of one gateway
 * whose every reading cloud-ingest now holds durably — committed to its inbox, or set aside in its quarantine, where
 * it waits for a replay. The gateway keeps each reading until a receipt names its batch: the broker's PUBACK says
 * only that the broker has the message in memory.
 *
 * @param v         contract version
 * @param gatewayId the gateway whose batches these are; must equal the topic's gateway segment
 * @param at        when cloud-ingest wrote the receipt (UTC)
 * @param batches   1 to {@link #MAX_BATCHES} {@link ReadingBatch#batchId()}s
 */
public record Receipt(String v, String gatewayId, Instant at, List<String> batches) implements ContractMessage {

    /** Receipts for more batches go as several messages; this keeps one under 70 KB. */
    public static final int MAX_BATCHES = 1000;

    public Receipt {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("at", at);
        batches = List.copyOf(FieldViolation.nonEmpty("batches", batches, MAX_BATCHES));
        for (int i = 0; i < batches.size(); i++) {
            FieldViolation.matching("batches[" + i + "]", batches.get(i), ReadingBatch.BATCH_ID);
        }
    }

    public static Receipt of(String gatewayId, Instant at, List<String> batches) {
        return new Receipt(ContractVersion.CURRENT, gatewayId, at, batches);
    }
}
