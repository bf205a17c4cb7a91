package io.vitalwire.ingest.notify;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * The JSON body of a clinician webhook: the minimum a clinician's system needs to act, no names, contact details or
 * free text.
 *
 * <pre>
 * {"type": "alert.raised", "timestamp": "2026-01-05T08:00:06.120Z",
 *  "data": {"alertId": "…", "kind": "clinical", "rule": "spo2", "severity": "critical",
 *           "patient": "Patient/123", "gateway": "gw-1", "device": null, "measuredAt": "2026-01-05T08:00:00Z",
 *           "late": false,
 *           "value": 86, "unit": "%", "values": [{"mdc": "150456", "value": 86, "unit": "%"}],
 *           "observation": {"identifier": {"system": "https://vitalwire.io/fhir/NamingSystem/reading-key",
 *                                          "value": "…"},
 *                           "reference": "Observation/12"}}}
 * </pre>
 *
 * {@code timestamp} is when the event happened (the same on every attempt); {@code patient} is null for operations
 * alerts about a gateway (and for a device's when its patient is not known at once); {@code device} names the device
 * of an operations alert about one ({@code sn.…}, {@code bd.…}), else null; values are the decimals the device sent,
 * digit for digit; {@code observation} is null without a reading (no-data, operations), its {@code reference} null
 * until FHIR has the Observation (the identifier finds it later; for a stream sample it names the sample, whose
 * window's Observation is the reference).
 */
final class AlertPayload {

    static final String READING_KEY_SYSTEM = "https://vitalwire.io/fhir/NamingSystem/reading-key";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private AlertPayload() {
    }

    /** @param observation {@code Observation/<id>}, or null when FHIR does not have it yet */
    static String json(WebhookEvent event, Instant timestamp, AlertNotice alert, String observation) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", event.type());
        root.put("timestamp", timestamp.toString());
        ObjectNode data = root.putObject("data");
        data.put("alertId", alert.id().toString());
        data.put("kind", alert.kind());
        data.put("rule", alert.rule());
        data.put("severity", alert.severity());
        data.put("patient", alert.patient() == null ? null : "Patient/" + alert.patient());
        data.put("gateway", alert.gateway());
        data.put("device", alert.device());
        data.put("measuredAt", alert.measuredAt() == null ? null : alert.measuredAt().toString());
        data.put("late", alert.late());
        data.put("value", alert.value());
        data.put("unit", alert.unit());
        ArrayNode values = data.putArray("values");
        for (AlertNotice.Value v : alert.values() == null ? List.<AlertNotice.Value>of() : alert.values()) {
            values.addObject().put("mdc", v.mdc()).put("value", v.value()).put("unit", v.unit());
        }
        if (alert.readingKey() == null) {
            data.putNull("observation");
        } else {
            ObjectNode o = data.putObject("observation");
            o.putObject("identifier").put("system", READING_KEY_SYSTEM).put("value", alert.readingKey());
            o.put("reference", observation);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook payload", e);
        }
    }
}
