package io.vitalwire.contract;

import java.time.Instant;
import java.util.List;

/**
 * The payload on {@code …/readings}: many readings in one MQTT message, because one reading per message caps a
 * QoS 1 uplink at the broker's per-message rate (see BENCHMARKS.md).
 *
 * @param v         contract version, e.g. "1.0"
 * @param gatewayId the sending gateway; must equal the topic's gateway segment
 * @param sentAt    when the gateway built this batch (UTC)
 * @param readings  1 to {@link #MAX_READINGS} readings
 */
public record ReadingBatch(String v, String gatewayId, Instant sentAt, List<Reading> readings)
        implements ContractMessage {

    public static final int MAX_READINGS = 2000;

    public ReadingBatch {
        FieldViolation.required("v", v);
        FieldViolation.required("gatewayId", gatewayId);
        FieldViolation.required("sentAt", sentAt);
        readings = List.copyOf(FieldViolation.nonEmpty("readings", readings, MAX_READINGS));
    }

    public static ReadingBatch of(String gatewayId, Instant sentAt, List<Reading> readings) {
        return new ReadingBatch(ContractVersion.CURRENT, gatewayId, sentAt, readings);
    }
}
