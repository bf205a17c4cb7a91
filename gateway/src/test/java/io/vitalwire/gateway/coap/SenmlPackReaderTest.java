package io.vitalwire.gateway.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.Quantity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SenmlPackReaderTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final DeviceIdentity TH7 = new DeviceIdentity(null, null, "TH-7", null, null);
    private static final DeviceIdentity S1 = new DeviceIdentity(null, null, "S1", null, null);
    private static final DeviceIdentity CUFF = new DeviceIdentity(null, null, null, "00:24:BE:AA:BB:CC", null);
    private static final DeviceIdentity OX1 = new DeviceIdentity(null, null, "OX-1", null, null);
    private final SenmlPackReader reader = new SenmlPackReader("/readings");

    @Test
    void baseFields_resolvePerRfc8428() throws Exception {
        List<DeviceMeasurement> ms = read(TH7, """
                [{"bn":"urn:dev:sn:TH-7:","bt":1795428000,"bu":"Cel","n":"body-temperature","v":36.8},
                 {"n":"body-temperature","t":60,"v":37.1}]""");

        assertThat(ms).hasSize(2);
        assertThat(ms.get(0).device().serial()).isEqualTo("TH-7");
        assertThat(ms.get(0).type()).isEqualTo(MeasurementType.BODY_TEMPERATURE);
        assertThat(ms.get(0).values()).containsExactly(
                new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal("36.8"), "Cel"));
        assertThat(ms.get(0).deviceTime()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(ms.get(1).deviceTime()).isEqualTo("2026-11-23T10:01:00Z");
    }

    @Test
    void bloodPressureRecordsOfOneMoment_becomeOneMeasurement_pulseStandsAlone() throws Exception {
        List<DeviceMeasurement> ms = read(CUFF, """
                [{"bn":"urn:dev:mac:0024beaabbcc:","bt":1795428000,"bu":"mmHg",
                  "n":"systolic","v":128},{"n":"diastolic","v":84},{"n":"mean-arterial-pressure","v":99},
                 {"n":"pulse-rate","u":"beat/min","v":71}]""");

        assertThat(ms).hasSize(2);
        assertThat(ms.get(0).type()).isEqualTo(MeasurementType.BLOOD_PRESSURE);
        assertThat(ms.get(0).device().address()).isEqualTo("00:24:BE:AA:BB:CC");
        assertThat(ms.get(0).values()).extracting(MeasuredValue::quantity)
                .containsExactly(Quantity.SYSTOLIC, Quantity.DIASTOLIC, Quantity.MEAN_ARTERIAL_PRESSURE);
        assertThat(ms.get(0).values()).allMatch(v -> v.unit().equals("mm[Hg]"));
        assertThat(ms.get(1).type()).isEqualTo(MeasurementType.PULSE_RATE);
        assertThat(ms.get(1).values().get(0).unit()).isEqualTo("/min");
    }

    @Test
    void pulseRateSentWithSpo2_isTheOximetersPulse() throws Exception {
        List<DeviceMeasurement> ms = read(OX1, """
                [{"bn":"urn:dev:sn:OX-1:","bt":1795428000,"n":"spo2","u":"%","v":97},
                 {"n":"pulse-rate","u":"beat/min","v":66}]""");

        assertThat(ms.get(1).values().get(0).quantity()).isEqualTo(Quantity.PULSE_RATE_OXIMETER);
    }

    @Test
    void relativeTime_isRelativeToNow_andNoTimeMeansNoDeviceTime() throws Exception {
        assertThat(read(S1, "[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"t\":-5}]")
                .get(0).deviceTime()).isEqualTo("2026-11-23T09:59:55Z");
        assertThat(read(S1, "[{\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]")
                .get(0).deviceTime()).isNull();
    }

    @Test
    void badPacks_areRefusedWithAReason() {
        assertRefused("{}", "non-empty JSON array");
        assertRefused("[]", "non-empty JSON array");
        assertRefused("[{\"n\":", "malformed JSON");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\"}]", "missing value 'v'");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"v\":97}]", "missing unit");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"furlong\",\"v\":97}]", "unknown unit");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"mood\",\"u\":\"%\",\"v\":97}]", "unknown measurement");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"vs\":\"97\"}]", "only numeric");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":\"97\"}]", "must be a number");
        assertRefused("[{\"bn\":\"S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]", "not a device URN");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"crit_\":1}]",
                "must-understand");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"bt\":1795428000,\"bu\":\"mmHg\",\"n\":\"systolic\",\"v\":1},"
                + "{\"n\":\"systolic\",\"v\":2}]", "appears twice");
        assertRefused("[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97,\"v\":98}]", "malformed JSON");
    }

    @Test
    void theDevice_isTheAuthenticatedOne_whetherOrNotThePackNamesIt() throws Exception {
        assertThat(read(S1, "[{\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]").get(0).device()).isEqualTo(S1);
        assertThat(read(S1, "[{\"bn\":\"urn:dev:sn:S1:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]").get(0).device())
                .isEqualTo(S1);
    }

    @Test
    void aPackNamingAnotherDevice_isForbidden() {
        assertThatThrownBy(() -> read(S1, "[{\"bn\":\"urn:dev:sn:S2:\",\"n\":\"spo2\",\"u\":\"%\",\"v\":97}]"))
                .isInstanceOfSatisfying(SenmlException.class, e -> assertThat(e.forbidden()).isTrue());
    }

    @Test
    void cborPacks_useTheIntegerLabels() throws Exception {
        // [{-2: "urn:dev:sn:TH-7:", -3: 1795428000, 0: "body-temperature", 1: "Cel", 2: 36.8 (float32)}]
        ObjectNode record = new CBORMapper().createObjectNode();
        record.put("-2", "urn:dev:sn:TH-7:");
        record.put("-3", 1795428000L);
        record.put("0", "body-temperature");
        record.put("1", "Cel");
        record.put("2", 36.8f);
        byte[] cbor = cborWithIntegerKeys(record);

        List<DeviceMeasurement> ms = reader.readCbor(cbor, NOW, TH7);

        assertThat(ms.get(0).values()).containsExactly(
                new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal("36.8"), "Cel"));
        assertThat(ms.get(0).deviceTime()).isEqualTo("2026-11-23T10:00:00Z");
    }

    /** Writes a one-record pack with real CBOR integer map keys, as devices send them. */
    private static byte[] cborWithIntegerKeys(ObjectNode record) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeStartObject();
            for (var it = record.fields(); it.hasNext(); ) {
                var field = it.next();
                g.writeFieldId(Long.parseLong(field.getKey()));
                if (field.getValue().isTextual()) {
                    g.writeString(field.getValue().asText());
                } else if (field.getValue().isFloat()) {
                    g.writeNumber(field.getValue().floatValue());
                } else {
                    g.writeNumber(field.getValue().longValue());
                }
            }
            g.writeEndObject();
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    private List<DeviceMeasurement> read(DeviceIdentity device, String json) throws SenmlException {
        return reader.readJson(json.getBytes(StandardCharsets.UTF_8), NOW, device);
    }

    private void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> read(S1, json)).as(json).isInstanceOf(SenmlException.class)
                .hasMessageContaining(reason);
    }
}
