package io.vitalwire.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractCodecTest {

    private final ContractCodec codec = new ContractCodec();

    @Test
    void readings_roundTrip_isLossless() throws Exception {
        ReadingBatch batch = Samples.batch(Samples.bloodPressure());

        ReadingBatch decoded = codec.decodeReadings(codec.encode(batch));

        assertThat(decoded).isEqualTo(batch);
        assertThat(decoded.readings().get(0).values().get(2).value()).hasToString("98.7");
    }

    @Test
    void singleReading_roundTrip() throws Exception {
        Reading reading = Samples.bloodPressure();

        assertThat(codec.decodeReading(codec.encodeReading(reading))).isEqualTo(reading);
    }

    @Test
    void aBatchSplicedFromEncodedReadings_isByteForByteTheEncodedBatch() throws Exception {
        Reading first = Samples.bloodPressure();
        Reading second = Samples.bloodPressure(Instant.parse("2026-11-23T10:20:00Z"));
        for (String batchId : new String[] {"k3x9q2-1f", null}) {
            ReadingBatch batch = ReadingBatch.of("gw-1", batchId, Samples.RECEIVED, List.of(first, second));

            byte[] spliced = codec.encodeReadingBatch(batch.gatewayId(), batchId, batch.sentAt(),
                    List.of(codec.encodeReading(first), codec.encodeReading(second)));

            assertThat(new String(spliced, StandardCharsets.UTF_8)).as("batch id %s", batchId)
                    .isEqualTo(new String(codec.encode(batch), StandardCharsets.UTF_8));
            assertThat(codec.decodeReadings(spliced)).isEqualTo(batch);
        }
    }

    @Test
    void receipts_roundTrip_andTheirBatchIdsAreChecked() throws Exception {
        Topic receipts = Topic.of("t1", "gw-1", Channel.RECEIPTS);
        Receipt receipt = Receipt.of("gw-1", Samples.RECEIVED, List.of("k3x9q2-1f", "k3x9q2-1g"));

        assertThat(codec.decode(receipts, codec.encode(receipt))).isEqualTo(receipt);
        String json = new String(codec.encode(receipt), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(receipts, json.replace("k3x9q2-1g", "a/b").getBytes()))
                .isInstanceOf(ContractViolation.class).hasMessageContaining("batches[1]");
        assertThatThrownBy(() -> codec.decode(receipts, json.replace("[\"k3x9q2-1f\",\"k3x9q2-1g\"]", "[]")
                .getBytes())).isInstanceOf(ContractViolation.class).hasMessageContaining("batches");
        assertThatThrownBy(() -> codec.decode(Topic.of("t1", "gw-2", Channel.RECEIPTS), codec.encode(receipt)))
                .isInstanceOf(ContractViolation.class).hasMessageContaining("does not match topic gateway");
        assertThatThrownBy(() -> ReadingBatch.of("gw-1", "no spaces", Samples.RECEIVED,
                List.of(Samples.bloodPressure()))).hasMessageContaining("batchId");
    }

    @Test
    void aSplicedBatch_keepsTheBatchRules() {
        assertThatThrownBy(() -> codec.encodeReadingBatch("gw-1", "b-1", Samples.RECEIVED, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readings");
    }

    @Test
    void status_state_event_roundTrip() throws Exception {
        GatewayStatus status = new GatewayStatus(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED, 12L, 3400L,
                "connected", Map.of("coap", "listening"), ClockSync.SYNCED, 5L, 3400L, 7L);
        GatewayState state = new GatewayState(ContractVersion.CURRENT, "gw-1", Presence.OFFLINE, Samples.RECEIVED,
                "0.1.0");
        GatewayEvent event = new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED, "gap",
                Map.of("refused", "40"));

        assertThat(codec.decode(Topic.of("t1", "gw-1", Channel.STATUS), codec.encode(status))).isEqualTo(status);
        assertThat(codec.decode(Topic.of("t1", "gw-1", Channel.STATE), codec.encode(state))).isEqualTo(state);
        assertThat(codec.decode(Topic.of("t1", "gw-1", Channel.EVENTS), codec.encode(event))).isEqualTo(event);
    }

    @Test
    void deviceEvents_roundTrip_andTheirRequiredAttributesAreChecked() throws Exception {
        Topic events = Topic.of("t1", "gw-1", Channel.EVENTS);
        GatewayEvent battery = new GatewayEvent(ContractVersion.CURRENT, "gw-1", Samples.RECEIVED,
                GatewayEvent.DEVICE_BATTERY, Map.of("device", "sn.GM~2042", "level", "18"));
        assertThat(codec.decode(events, codec.encode(battery))).isEqualTo(battery);

        String good = json(battery);
        for (String bad : new String[] {good.replace("\"18\"", "\"101\""), good.replace("\"18\"", "\"-1\""),
            good.replace("\"sn.GM~2042\"", "\"GM 42\""), good.replace("\"level\"", "\"charge\""),
            good.replace("device-battery", "device-connected").replace("\"device\"", "\"serial\""),
            good.replace("device-battery", "reading-refused").replace("\"device\"", "\"serial\"")}) {
            assertThatThrownBy(() -> codec.decode(events, bytes(bad))).as(bad)
                    .isInstanceOfSatisfying(ContractViolation.class, v -> assertThat(v.reason())
                            .isIn(ContractViolation.Reason.INVALID_VALUE, ContractViolation.Reason.MISSING_FIELD));
        }
    }

    @Test
    void decode_unknownFieldsFromANewerMinorVersion_areIgnored() throws Exception {
        String json = json(Samples.batch(Samples.bloodPressure()))
                .replace("\"v\":\"" + ContractVersion.CURRENT + "\"", "\"v\":\"1.7\",\"compression\":\"none\"")
                .replace("\"sequence\"", "\"futureField\":{\"a\":1},\"sequence\"");

        assertThat(codec.decodeReadings(bytes(json)).readings()).hasSize(1);
    }

    @Test
    void decode_unknownMajorVersion_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"v\":\"" + ContractVersion.CURRENT + "\"", "\"v\":\"2.0\"");

        assertViolation(json, ContractViolation.Reason.UNSUPPORTED_VERSION, "unsupported contract version '2.0'");
    }

    @Test
    void decode_missingVersion_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"v\":\"" + ContractVersion.CURRENT + "\",", "");

        assertViolation(json, ContractViolation.Reason.MISSING_FIELD, "'v'");
    }

    @Test
    void decode_malformedJson_isRefused() {
        assertViolation("{\"v\":\"1.0\",", ContractViolation.Reason.MALFORMED, "malformed JSON");
        assertViolation("[1,2]", ContractViolation.Reason.MALFORMED, "not a JSON object");
        assertViolation("", ContractViolation.Reason.MALFORMED, "not a JSON object");
        assertViolation("{\"v\":\"1.0\"} {}", ContractViolation.Reason.MALFORMED, "Trailing token");
    }

    @Test
    void decode_duplicateKeys_areRefused() {
        // Two "value"s would leave it to the parser which one counts: never acceptable for a measurement.
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"value\":128.0",
                "\"value\":128.0,\"value\":12.0");

        assertViolation(json, ContractViolation.Reason.MALFORMED, "Duplicate field 'value'");
    }

    @Test
    void decode_missingUnit_namesTheField() {
        String json = json(Samples.batch(Samples.bloodPressure())).replaceFirst(",\"unit\":\"mm\\[Hg\\]\"", "");

        assertViolation(json, ContractViolation.Reason.MISSING_FIELD, "readings[0].values[0]",
                "missing field 'values.unit'");
    }

    @Test
    void decode_valueThatIsNotANumber_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"value\":128.0", "\"value\":\"NaN\"");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "readings[0].values[0].value");
    }

    @Test
    void decode_unknownMeasurementType_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"blood-pressure\"", "\"mood\"");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "readings[0].type", "mood");
    }

    @Test
    void decode_badUnitAndBadCodes_areRefused() {
        String base = json(Samples.batch(Samples.bloodPressure()));
        assertViolation(base.replace("\"mm[Hg]\"", "\"mm Hg\""), ContractViolation.Reason.INVALID_VALUE,
                "values.unit");
        assertViolation(base.replace("\"8480-6\"", "\"systolic\""), ContractViolation.Reason.INVALID_VALUE,
                "values.loinc");
        assertViolation(base.replace("\"mdc\":\"150020\"", "\"mdc\":150020.5"), ContractViolation.Reason.INVALID_VALUE,
                "readings[0].mdc");
    }

    @Test
    void decode_deviceWithoutSerialOrAddress_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure()))
                .replace("\"serial\":\"SN0001\",", "").replace("\"address\":\"AA:BB:CC:DD:EE:01\",", "");

        assertViolation(json, ContractViolation.Reason.MISSING_FIELD, "device.serial or device.address");
    }

    @Test
    void decode_deviceTimeThatIsNotALocalDateTime_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"2026-11-23T11:15:00\"",
                "\"2026-13-23T11:15:00\"");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "deviceTime");
    }

    @Test
    void decode_deviceTimeBeyondAFourDigitYear_isRefused() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"2026-11-23T11:15:00\"",
                "\"+300000-11-23T11:15:00Z\"");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "deviceTime", "four-digit year");
    }

    @Test
    void decode_valueWithAHugeExponent_isRefusedByTheNumberBound() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"value\":128.0",
                "\"value\":1e3000000");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "readings[0].values[0]", "values.value",
                "decimal exponent beyond +-20");
    }

    @Test
    void decode_valueWithMoreDigitsThanAnyDevice_isRefusedByTheNumberBound() {
        String json = json(Samples.batch(Samples.bloodPressure())).replace("\"value\":128.0",
                "\"value\":128.000000000000000001");

        assertViolation(json, ContractViolation.Reason.INVALID_VALUE, "values.value", "20 significant digits");
    }

    @Test
    void theLargestReadingTheRecordsAccept_encodesFarBelowTheMessageLimit() {
        // Every text field at its longest, in characters three bytes wide in UTF-8; every value at its widest.
        String text = "\u20ac".repeat(64);
        DeviceIdentity device = new DeviceIdentity(text, text, text, "AA:BB:CC:DD:EE:FF", 254);
        List<ReadingValue> values = java.util.Collections.nCopies(Reading.MAX_VALUES, new ReadingValue("123456789",
                "1234567-8", new java.math.BigDecimal("-12345678901234567890E+20"), "\\".repeat(32)));
        List<String> flags = java.util.stream.IntStream.range(0, 32)
                .mapToObj(i -> "f" + i + "-".repeat(38 - Integer.toString(i).length())).toList();
        Reading largest = new Reading("k".repeat(256), MeasurementType.BLOOD_PRESSURE, "123456789", "1234567-8",
                values, device, Long.MAX_VALUE, "2026-11-23T11:15:00.123456789Z", Instant.MAX, Instant.MIN,
                Long.MIN_VALUE, ClockQuality.RECEIVE_TIME, new Source(Transport.COAP, "/" + "r".repeat(127)), flags);

        int size = codec.encodeReading(largest).length;

        assertThat(size).isLessThan(Reading.MAX_ENCODED_BYTES).isLessThan(ContractCodec.MAX_MESSAGE_BYTES / 100);
    }

    @Test
    void decode_emptyBatch_isRefused() {
        assertViolation("{\"v\":\"1.0\",\"gatewayId\":\"gw-1\",\"sentAt\":\"2026-11-23T10:00:00Z\",\"readings\":[]}",
                ContractViolation.Reason.INVALID_VALUE, "'readings'", "must not be empty");
    }

    @Test
    void decode_oversizedPayload_isRefusedBeforeParsing() {
        byte[] huge = new byte[ContractCodec.MAX_MESSAGE_BYTES + 1];

        assertThatThrownBy(() -> codec.decodeReadings(huge))
                .isInstanceOfSatisfying(ContractViolation.class,
                        v -> assertThat(v.reason()).isEqualTo(ContractViolation.Reason.TOO_LARGE));
    }

    @Test
    void decode_payloadForAnotherGatewayThanTheTopic_isRefused() {
        byte[] payload = codec.encode(Samples.batch(Samples.bloodPressure()));

        assertThatThrownBy(() -> codec.decode(Topic.of("t1", "gw-2", Channel.READINGS), payload))
                .isInstanceOfSatisfying(ContractViolation.class, v -> {
                    assertThat(v.reason()).isEqualTo(ContractViolation.Reason.INVALID_TOPIC);
                    assertThat(v.getMessage()).contains("gw-1").contains("gw-2");
                });
    }

    @Test
    void decode_wrongMessageForTheChannel_isRefused() {
        byte[] payload = codec.encode(new GatewayState(ContractVersion.CURRENT, "gw-1", Presence.ONLINE,
                Instant.EPOCH, null));

        assertThatThrownBy(() -> codec.decode(Topic.of("t1", "gw-1", Channel.READINGS), payload))
                .isInstanceOf(ContractViolation.class);
    }

    private void assertViolation(String json, ContractViolation.Reason reason, String... fragments) {
        assertThatThrownBy(() -> codec.decodeReadings(bytes(json)))
                .isInstanceOfSatisfying(ContractViolation.class, v -> {
                    assertThat(v.reason()).as(v.getMessage()).isEqualTo(reason);
                    assertThat(v.getMessage()).contains(fragments);
                });
    }

    private String json(ContractMessage message) {
        return new String(codec.encode(message), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
