package io.vitalwire.contract;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The payload on {@code …/readings}: many readings in one MQTT message, because one reading per message caps a
 * QoS 1 uplink at the broker's per-message rate (see BENCHMARKS.md).
 *
 * @param v         contract version, e.g. "1.1"
 * @param gatewayId the sending gateway; must equal the topic's gateway segment
 * @param batchId   the sender's name for this message (since 1.1), which cloud-ingest's {@link Receipt} names once
 *                  every reading of it is durable; unique per gateway, a new one for every publish, so a batch sent
 *                  again after a lost receipt has another. Absent (older gateways): no receipt is sent
 * @param sentAt    when the gateway built this batch (UTC)
 * @param readings  1 to {@link #MAX_READINGS} readings
 */
public record ReadingBatch(String v, String gatewayId, String batchId, Instant sentAt, List<Reading> readings)
        implements ContractMessage {

    public static final int MAX_READINGS = 2000;
    /** A batch id: one topic-safe token, so that a receipt of a thousand of them stays small. */
    public static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ReadingBatch {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        if (batchId != null) {
            FieldViolation.matching("batchId", batchId, BATCH_ID);
        }
        FieldViolation.required("sentAt", sentAt);
        readings = List.copyOf(FieldViolation.nonEmpty("readings", readings, MAX_READINGS));
    }

    /** A batch of the current contract version that asks for no receipt. */
    public static ReadingBatch of(String gatewayId, Instant sentAt, List<Reading> readings) {
        return of(gatewayId, null, sentAt, readings);
    }

    public static ReadingBatch of(String gatewayId, String batchId, Instant sentAt, List<Reading> readings) {
        return new ReadingBatch(ContractVersion.CURRENT, gatewayId, batchId, sentAt, readings);
    }
}
