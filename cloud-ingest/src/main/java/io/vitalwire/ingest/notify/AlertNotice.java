package io.vitalwire.ingest.notify;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An alert to tell people about, as committed in the {@code alert} table: everything a webhook's payload and a FHIR
 * Task need, and nothing more (no names, contact details or free text).
 *
 * @param id         stable: the webhook-id of every delivery of it, the Task's identifier
 * @param kind       {@code clinical} or {@code operations}
 * @param rule       the rule id ({@code spo2}, {@code no-data}, {@code gateway-offline}, …)
 * @param severity   {@code warning} or {@code critical}
 * @param patient    the Patient's logical id; {@code null} for operations alerts about a gateway
 * @param gateway    the gateway concerned (operations), else the gateway that sent the reading; may be null
 * @param device     the device concerned by an operations alert about a device (a low battery): its id as in
 *                   reading keys, {@code sn.…} or {@code bd.…}; {@code null} otherwise
 * @param readingKey the reading that fired it (the Observation's identifier value); {@code null} for no-data
 * @param measuredAt when that reading was measured (no-data: when the silence was noticed)
 * @param late       the reading arrived more than an hour after it was measured
 * @param value      the value that fired it, as sent; {@code unit} its UCUM unit
 * @param values     the reading's values as sent
 * @param raisedAt   when cloud-ingest decided it
 */
public record AlertNotice(UUID id, String tenant, String kind, String rule, String severity, String patient,
                          String gateway, String device, String readingKey, Instant measuredAt, boolean late,
                          BigDecimal value,
                          String unit, List<Value> values, Instant raisedAt) {

    /** One value of the reading, as sent. */
    public record Value(String mdc, BigDecimal value, String unit) {
    }
}
