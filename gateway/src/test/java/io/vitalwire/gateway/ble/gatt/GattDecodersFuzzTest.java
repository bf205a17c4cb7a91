package io.vitalwire.gateway.ble.gatt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.gateway.cli.DecodeCommand;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;

/**
 * Coverage-guided fuzz targets (Jazzer), one per decoder plus one over all of them. Whatever the octets, a decoder
 * either decodes or throws GattDecodeException, and what it decodes flows through the clinical rules and
 * normalization into a valid contract reading or a NormalizationException — never any other exception.
 *
 * <p>{@code mvn test} runs them in regression mode (the seeds in src/test/resources/…/GattDecodersFuzzTestInputs, one
 * directory per target: values laid out as the characteristics' specifications give them, with every optional field).
 * {@code deploy/dev/fuzz.sh} fuzzes {@link #anyCharacteristic} for 30 s (CI), {@code --long} a million executions;
 * findings are written next to the seeds: rename and commit them with the fix.
 */
class GattDecodersFuzzTest {

    private static final DeviceIdentity DEVICE = new DeviceIdentity("Fuzz", "F1", "SN-F", "AA:BB:CC:DD:EE:FF", null);
    private static final Normalizer NORMALIZER = new Normalizer("gw-fuzz", ZoneOffset.UTC);
    private static final DecodeCommand COMMAND = new DecodeCommand();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> SFLOAT_SPECIALS = Set.of(0x07FF, 0x0800, 0x07FE, 0x0802, 0x0801);

    @FuzzTest(maxDuration = "30s")
    void anyCharacteristic(FuzzedDataProvider data) throws Exception {
        HealthCharacteristic c = data.pickValue(HealthCharacteristic.values());
        exercise(c, data.consumeRemainingAsBytes());
    }

    @FuzzTest(maxDuration = "60s")
    void heartRate(byte[] value) throws Exception {
        exercise(HealthCharacteristic.HEART_RATE_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void bloodPressure(byte[] value) throws Exception {
        exercise(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void intermediateCuffPressure(byte[] value) throws Exception {
        exercise(HealthCharacteristic.INTERMEDIATE_CUFF_PRESSURE, value);
    }

    @FuzzTest(maxDuration = "60s")
    void temperature(byte[] value) throws Exception {
        exercise(HealthCharacteristic.TEMPERATURE_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void weight(byte[] value) throws Exception {
        exercise(HealthCharacteristic.WEIGHT_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void glucose(byte[] value) throws Exception {
        exercise(HealthCharacteristic.GLUCOSE_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void glucoseContext(byte[] value) throws Exception {
        exercise(HealthCharacteristic.GLUCOSE_MEASUREMENT_CONTEXT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void plxSpotCheck(byte[] value) throws Exception {
        exercise(HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "60s")
    void plxContinuous(byte[] value) throws Exception {
        exercise(HealthCharacteristic.PLX_CONTINUOUS_MEASUREMENT, value);
    }

    @FuzzTest(maxDuration = "30s")
    void sfloat(FuzzedDataProvider data) {
        int raw = data.consumeInt(0, 0xFFFF);
        MedFloat f = MedFloat.sfloat(raw);
        // Exactly the five reserved raw values are special; everything else is a finite number.
        assertThat(f instanceof MedFloat.Special).isEqualTo(SFLOAT_SPECIALS.contains(raw));
    }

    @FuzzTest(maxDuration = "30s")
    void float32(FuzzedDataProvider data) {
        int raw = data.consumeInt();
        MedFloat f = MedFloat.float32(raw);
        boolean special = raw >= 0x007F_FFFE && raw <= 0x0080_0002;
        assertThat(f instanceof MedFloat.Special).isEqualTo(special);
    }

    private static void exercise(HealthCharacteristic c, byte[] value) throws Exception {
        String line = c.hex() + " " + HexFormat.of().formatHex(value);
        JsonNode printed = JSON.readTree(COMMAND.decodeLine(line));
        GattMeasurement decoded;
        try {
            decoded = c.decode(value);
        } catch (GattDecodeException e) {
            assertThat(printed.get("error").asText()).isEqualTo(e.getMessage());
            return;
        }
        assertThat(printed.has("error")).as(line).isFalse();
        try {
            for (DeviceMeasurement m : GattReadings.toMeasurements(c, decoded, DEVICE, null)) {
                NORMALIZER.normalize(m, Instant.EPOCH);
            }
        } catch (NormalizationException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
