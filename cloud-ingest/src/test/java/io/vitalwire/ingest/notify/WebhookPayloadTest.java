package io.vitalwire.ingest.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The payload ({@link AlertPayload}) and its signature ({@link WebhookSigner}), checked by the reference library. */
class WebhookPayloadTest {

    private static final AlertNotice SPO2 = new AlertNotice(UUID.fromString("6f1c1b3e-1d2a-3b4c-8d5e-6f7a8b9c0d1e"),
            "acme", "clinical", "spo2", "critical", "p-17", "gw-1", null, "key-1",
            Instant.parse("2026-01-05T08:00:00Z"), true, new BigDecimal("86.0"), "%",
            List.of(new AlertNotice.Value("150456", new BigDecimal("86.0"), "%"),
                    new AlertNotice.Value("149530", new BigDecimal("72"), "/min")),
            Instant.parse("2026-01-05T09:30:00.250Z"));

    @Test
    void json_carriesTheMinimum_withExactDecimals() throws Exception {
        String body = AlertPayload.json(WebhookEvent.RAISED, SPO2.raisedAt(), SPO2, "Observation/12");
        assertThat(body).contains("\"value\":86.0,").contains("{\"mdc\":\"150456\",\"value\":86.0,\"unit\":\"%\"}");
        JsonNode json = new ObjectMapper().readTree(body);
        assertThat(json.path("type").asText()).isEqualTo("alert.raised");
        assertThat(json.path("timestamp").asText()).isEqualTo("2026-01-05T09:30:00.250Z");
        JsonNode data = json.path("data");
        assertThat(data.path("alertId").asText()).isEqualTo(SPO2.id().toString());
        assertThat(data.path("patient").asText()).isEqualTo("Patient/p-17");
        assertThat(data.path("late").asBoolean()).isTrue();
        assertThat(data.path("measuredAt").asText()).isEqualTo("2026-01-05T08:00:00Z");
        assertThat(data.path("observation").path("identifier").path("system").asText())
                .isEqualTo("https://vitalwire.io/fhir/NamingSystem/reading-key");
        assertThat(data.path("observation").path("identifier").path("value").asText()).isEqualTo("key-1");
        assertThat(data.path("observation").path("reference").asText()).isEqualTo("Observation/12");
        List<String> fields = new java.util.ArrayList<>();
        data.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("alertId", "kind", "rule", "severity", "patient", "gateway", "device",
                "measuredAt", "late", "value", "unit", "values", "observation");
    }

    @Test
    void json_operationsAlert_withoutReading_hasNulls() throws Exception {
        AlertNotice offline = new AlertNotice(UUID.randomUUID(), "acme", "operations", "gateway-offline", "warning",
                null, "gw-1", null, null, Instant.parse("2026-01-05T08:00:00Z"), false, null, null, List.of(),
                Instant.parse("2026-01-05T08:00:00Z"));
        JsonNode data = new ObjectMapper().readTree(AlertPayload.json(WebhookEvent.RAISED, offline.raisedAt(),
                offline, null)).path("data");
        assertThat(data.path("patient").isNull()).isTrue();
        assertThat(data.path("device").isNull()).isTrue();
        assertThat(data.path("observation").isNull()).isTrue();
        assertThat(data.path("value").isNull()).isTrue();
    }

    @Test
    void json_lowBatteryAlert_namesTheDevice_andTheLevel() throws Exception {
        AlertNotice battery = new AlertNotice(UUID.randomUUID(), "acme", "operations", "device-battery-low",
                "critical", "p-17", "gw-1", "sn.CUFF-1", null, Instant.parse("2026-01-05T08:00:00Z"), false,
                new BigDecimal("9"), "%", List.of(), Instant.parse("2026-01-05T08:00:01Z"));
        JsonNode data = new ObjectMapper().readTree(AlertPayload.json(WebhookEvent.RAISED, battery.raisedAt(),
                battery, null)).path("data");
        assertThat(data.path("device").asText()).isEqualTo("sn.CUFF-1");
        assertThat(data.path("kind").asText()).isEqualTo("operations");
        assertThat(data.path("value").decimalValue()).isEqualByComparingTo("9");
        assertThat(data.path("unit").asText()).isEqualTo("%");
        assertThat(data.path("observation").isNull()).isTrue();
    }

    @Test
    void json_beforeFhirHasIt_referenceIsNull() throws Exception {
        JsonNode o = new ObjectMapper().readTree(AlertPayload.json(WebhookEvent.RAISED, SPO2.raisedAt(), SPO2, null))
                .path("data").path("observation");
        assertThat(o.path("reference").isNull()).isTrue();
        assertThat(o.path("identifier").path("value").asText()).isEqualTo("key-1");
    }

    @Test
    void webhookIds_stablePerEvent_differentAcrossEvents() {
        assertThat(WebhookEvent.RAISED.webhookId(SPO2.id())).isEqualTo(SPO2.id().toString());
        assertThat(WebhookEvent.ESCALATED.webhookId(SPO2.id())).isEqualTo(WebhookEvent.ESCALATED.webhookId(SPO2.id()))
                .isNotEqualTo(SPO2.id().toString());
    }

    @Test
    void signature_verifiesWithEachSecret_andOnlyThem() throws Exception {
        SigningSecret current = SigningSecret.generate();
        SigningSecret previous = SigningSecret.generate();
        String body = AlertPayload.json(WebhookEvent.RAISED, SPO2.raisedAt(), SPO2, null);
        long now = Instant.now().getEpochSecond();
        String signature = WebhookSigner.signature(List.of(current, previous), "msg-1", now, body);
        assertThat(signature.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        Map<String, List<String>> headers = Map.of("webhook-id", List.of("msg-1"),
                "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(signature));
        new Webhook(current.text()).verify(body, headers);
        new Webhook(previous.text()).verify(body, headers);
        assertThatThrownBy(() -> new Webhook(SigningSecret.generate().text()).verify(body, headers))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(current.text()).verify(body.replace("86.0", "96.0"), headers))
                .isInstanceOf(WebhookVerificationException.class);
    }
}
