package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The published JSON Schemas and the codec must agree: what one accepts the other accepts. */
class JsonSchemaTest {

    private final ContractCodec codec = new ContractCodec();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void encodedMessages_validateAgainstTheirSchemas() throws Exception {
        assertThat(errors("readings", codec.encode(Samples.batch(Samples.bloodPressure())))).isEmpty();
        assertThat(errors("status", codec.encode(new GatewayStatus(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                0L, null, "connected", Map.of("coap", "listening"), ClockSync.UNKNOWN, 0L, null, 3L)))).isEmpty();
        assertThat(errors("readings", codec.encode(ReadingBatch.of("gw-1", "k3x9q2-1f", Samples.RECEIVED,
                List.of(Samples.bloodPressure()))))).isEmpty();
        assertThat(errors("receipts", codec.encode(Receipt.of("gw-1", Samples.RECEIVED, List.of("k3x9q2-1f")))))
                .isEmpty();
        assertThat(errors("state", codec.encode(new GatewayState(ContractVersion.CURRENT, "gw-1", Presence.ONLINE,
                Samples.RECEIVED, "0.1.0")))).isEmpty();
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                "gap", Map.of())))).isEmpty();
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                "device-battery", Map.of("device", "bd.AA~3ABB~3ACC~3ADD~3AEE~3AFF", "level", "100"))))).isEmpty();
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                "device-disconnected", Map.of("device", "sn.HR-1"))))).isEmpty();
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                "device-refused", Map.of("device", "sn.BPC-2", "reason", "pairing-failed"))))).isEmpty();
    }

    @Test
    void aDeviceRefusedWithoutAReason_isRefusedByTheCodecAndTheSchema() throws Exception {
        String good = new String(codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.DEVICE_REFUSED, Map.of("device", "sn.BPC-2", "reason", "serial-mismatch"))));

        assertThat(errors("events", good.replace("\"reason\"", "\"why\"").getBytes())).isNotEmpty();
        assertThat(errors("events", good.replace("\"serial-mismatch\"", "\"Serial Mismatch\"").getBytes()))
                .isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GatewayEvent(ContractVersion.CURRENT, "gw-1",
                Samples.RECEIVED, GatewayEvent.DEVICE_REFUSED, Map.of("device", "sn.BPC-2")))
                .isInstanceOf(RuntimeException.class).hasMessageContaining("attributes.reason");
    }

    @Test
    void deviceEventsTheCodecRefuses_theSchemaRefusesToo() throws Exception {
        String good = new String(codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                "device-battery", Map.of("device", "sn.HR-1", "level", "9"))));

        assertThat(errors("events", good.replace("\"9\"", "\"101\"").getBytes())).isNotEmpty();
        assertThat(errors("events", good.replace("\"sn.HR-1\"", "\"HR 1\"").getBytes())).isNotEmpty();
        assertThat(errors("events", good.replace("\"level\"", "\"charge\"").getBytes())).isNotEmpty();
        assertThat(errors("events", good.replace("device-battery", "device-connected")
                .replace("\"device\"", "\"serial\"").getBytes())).isNotEmpty();
        assertThat(errors("events", good.replace("device-battery", "reading-refused")
                .replace("\"device\"", "\"serial\"").getBytes())).isNotEmpty();
        // device-paired (the installer's pairing page): the device by its address, required by both.
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.DEVICE_PAIRED, Map.of("device", "bd.C0~3A1D~3A00~3A00~3A00~3A02"))))).isEmpty();
        assertThat(errors("events", good.replace("device-battery", "device-paired")
                .replace("\"device\"", "\"address\"").getBytes())).isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GatewayEvent(ContractVersion.CURRENT, "gw-1",
                Samples.RECEIVED, GatewayEvent.DEVICE_PAIRED, Map.of())).hasMessageContaining("attributes.device");
    }

    @Test
    void configs_validate_andWhatTheCodecRefusesTheSchemaRefusesToo() throws Exception {
        GatewayConfig sample = GatewayConfigTest.sample();
        String good = new String(codec.encode(sample));
        assertThat(errors("config", good.getBytes())).isEmpty();
        assertThat(errors("events", codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.CONFIG_REFUSED, Map.of("reason", "invalid-config", "version", "4"))))).isEmpty();

        for (String bad : new String[] {good.replace("\"version\":3", "\"version\":0"),
            good.replace("passkey=123456", "passkey=1234567"), good.replace("C0:1D:00:00:00:02 ", "BPC-0002 "),
            good.replace("sn.SCALE~2F1", "bd.C0~3A1D"), good.replace("\"sn.SCALE~2F1\"", "\"sn.THERMO-7\""),
            good.replace("8192", "100"), good.replace(":60}", ":86400}"), good.replace("\"issuedAt\"", "\"at\"")}) {
            assertThat(errors("config", bad.getBytes())).as(bad).isNotEmpty();
        }
        assertThat(errors("events", new String(codec.encode(new GatewayEvent(ContractVersion.CURRENT, "gw-1",
                Samples.RECEIVED, GatewayEvent.CONFIG_REFUSED, Map.of("reason", "x")))).replace("\"reason\"",
                "\"why\"").getBytes())).isNotEmpty();
    }

    @Test
    void receiptsTheCodecRefuses_theSchemaRefusesToo() throws Exception {
        String good = new String(codec.encode(Receipt.of("gw-1", Samples.RECEIVED, List.of("k3x9q2-1f"))));

        assertThat(errors("receipts", good.replace("k3x9q2-1f", "k3x9q2/1f").getBytes())).isNotEmpty();
        assertThat(errors("receipts", good.replace("[\"k3x9q2-1f\"]", "[]").getBytes())).isNotEmpty();
        assertThat(errors("receipts", good.replace("\"batches\"", "\"keys\"").getBytes())).isNotEmpty();
    }

    @Test
    void payloadsTheCodecRefuses_theSchemaRefusesToo() throws Exception {
        String good = new String(codec.encode(Samples.batch(Samples.bloodPressure())));

        assertThat(errors("readings", good.replace("\"mm[Hg]\"", "\"mm Hg\"").getBytes())).isNotEmpty();
        assertThat(errors("readings", good.replace("\"v\":\"" + ContractVersion.CURRENT + "\"", "\"v\":\"2.0\"").getBytes())).isNotEmpty();
        assertThat(errors("readings", good.replaceFirst(",\"unit\":\"mm\\[Hg\\]\"", "").getBytes())).isNotEmpty();
        assertThat(errors("readings", good.replace("\"blood-pressure\"", "\"mood\"").getBytes())).isNotEmpty();
    }

    /** The schema declares the same plausibility bounds as the codec's {@link Plausibility} table. */
    @Test
    void plausibilityBounds_theSchemaHasEveryBoundOfTheTable() throws Exception {
        for (Plausibility.Bound b : Plausibility.bounds()) {
            assertThat(errors("readings", batchWith(b, b.min()))).as(b + " min").isEmpty();
            assertThat(errors("readings", batchWith(b, b.max()))).as(b + " max").isEmpty();
            assertThat(errors("readings", batchWith(b, b.min().subtract(new java.math.BigDecimal("0.00001")))))
                    .as(b + " below").isNotEmpty();
            assertThat(errors("readings", batchWith(b, b.max().add(new java.math.BigDecimal("0.00001")))))
                    .as(b + " above").isNotEmpty();
        }
    }

    /** A batch holding one reading of the bound's quantity, with {@code value} written into the JSON as it is. */
    private byte[] batchWith(Plausibility.Bound b, java.math.BigDecimal value) {
        DeviceIdentity device = new DeviceIdentity(null, null, "SN-1", null, null);
        Reading r = new Reading(ReadingKey.of("gw-1", device, null, null, Samples.RECEIVED, b.mdc()), b.type(),
                b.mdc(), null, java.util.List.of(new ReadingValue(b.mdc(), null, java.math.BigDecimal.ONE, b.unit())),
                device, null, null, Samples.RECEIVED, Samples.RECEIVED, null, ClockQuality.RECEIVE_TIME,
                new Source(Transport.COAP, "/readings"), java.util.List.of());
        return new String(codec.encode(Samples.batch(r))).replace("\"value\":1,", "\"value\":"
                + value.toPlainString() + ",").getBytes();
    }

    private java.util.Set<?> errors(String name, byte[] payload) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/io/vitalwire/contract/v1/" + name + ".schema.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            JsonNode node = json.readTree(payload);
            return schema.validate(node);
        }
    }
}
