package io.vitalwire.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operators' decode command, characteristic by characteristic: every flag, optional field and special value of
 * the Bluetooth SIG health characteristics, and the errors for values cut short. Inputs are the octets as on the air.
 */
class DecodeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DecodeCommand command = new DecodeCommand();

    // --- IEEE 11073 SFLOAT / FLOAT ---------------------------------------------------------------------------

    @Test
    void sfloat_valueMantissaExponent() throws Exception {
        assertDecodes("SFLOAT B0F4", "{\"value\":120.0,\"mantissa\":1200,\"exponent\":-1,\"special\":null}");
        assertDecodes("sfloat ff0f", "{\"value\":-1,\"mantissa\":-1,\"exponent\":0,\"special\":null}");
    }

    @ParameterizedTest
    @CsvSource({"FF07, NaN", "0008, NRes", "FE07, +INF", "0208, -INF", "0108, RFU"})
    void sfloat_specials(String hex, String special) throws Exception {
        JsonNode out = decode("SFLOAT " + hex);
        assertThat(out.get("special").asText()).isEqualTo(special);
        assertThat(out.get("value").isNull()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"FFFF7F00, NaN", "00008000, NRes", "FEFF7F00, +INF", "02008000, -INF", "01008000, RFU"})
    void float_specials(String hex, String special) throws Exception {
        JsonNode out = decode("FLOAT " + hex);
        assertThat(out.get("special").asText()).isEqualTo(special);
        assertThat(out.get("value").isNull()).isTrue();
    }

    @Test
    void float_value() throws Exception {
        assertDecodes("FLOAT 6E0100FF", "{\"value\":36.6,\"mantissa\":366,\"exponent\":-1,\"special\":null}");
    }

    @Test
    void sfloat_wrongLength_isAnError() throws Exception {
        assertThat(decode("SFLOAT 00").get("error").asText()).contains("2 octets");
        assertThat(decode("FLOAT 000000").get("error").asText()).contains("4 octets");
    }

    // --- Heart Rate Measurement 0x2A37 -------------------------------------------------------------------------

    @Test
    void heartRate_uint8_noOptionalFields() throws Exception {
        assertDecodes("2A37 0048", "{\"heartRate\":72,\"sensorContactSupported\":false,"
                + "\"sensorContactDetected\":null,\"energyExpendedKJ\":null,\"rrIntervals1024\":null,"
                + "\"rrIntervalsMs\":null}");
    }

    @Test
    void heartRate_uint16() throws Exception {
        assertThat(decode("2A37 01 2C01").get("heartRate").asInt()).isEqualTo(300);
    }

    /** Sensor Contact Status 0 or 1: not supported, so the contact is absent (null), never "no contact". */
    @ParameterizedTest(name = "flags {0}: supported={1} detected={2}")
    @CsvSource(value = {"00, false, null", "02, false, null", "04, true, false", "06, true, true"}, nullValues = "null")
    void heartRate_sensorContact(String flags, boolean supported, Boolean detected) throws Exception {
        JsonNode out = decode("2A37 " + flags + "48");
        assertThat(out.get("sensorContactSupported").asBoolean()).isEqualTo(supported);
        if (detected == null) {
            assertThat(out.get("sensorContactDetected").isNull()).as("sensorContactDetected is null").isTrue();
        } else {
            assertThat(out.get("sensorContactDetected").asBoolean()).isEqualTo(detected);
        }
    }

    @Test
    void heartRate_energyAndRrIntervals() throws Exception {
        assertDecodes("2A37 1E 48 E803 0004 0003", "{\"heartRate\":72,\"sensorContactSupported\":true,"
                + "\"sensorContactDetected\":true,\"energyExpendedKJ\":1000,\"rrIntervals1024\":[1024,768],"
                + "\"rrIntervalsMs\":[1000,750]}");
        assertThat(decode("2A37 10 48 2003").get("rrIntervalsMs").get(0).decimalValue())
                .isEqualByComparingTo("781.25");
    }

    @Test
    void heartRate_rfuFlagsIgnored_trailingOctetsSkipped() throws Exception {
        assertThat(decode("2A37 E048FFFF")).isEqualTo(decode("2A37 0048"));
        assertThat(decode("2A37 10 48 0004 05").get("rrIntervals1024").size()).isEqualTo(1);
    }

    @Test
    void heartRate_missingFields_areNamed() throws Exception {
        assertThat(decode("2A37 01 48").get("error").asText()).contains("Heart Rate Measurement Value");
        assertThat(decode("2A37 08 48").get("error").asText()).contains("Energy Expended");
        assertThat(decode("2A37 10 48").get("error").asText()).contains("RR-Interval");
        assertThat(decode("2A37").get("error").asText()).contains("Flags");
    }

    // --- Blood Pressure Measurement 0x2A35, Intermediate Cuff Pressure 0x2A36 ---------------------------------

    @Test
    void bloodPressure_minimal() throws Exception {
        assertDecodes("2A35 00 7800 5000 6000", "{\"unit\":\"mmHg\",\"systolic\":120,\"diastolic\":80,"
                + "\"meanArterialPressure\":96,\"timestamp\":null,\"pulseRate\":null,\"userId\":null,"
                + "\"measurementStatus\":null}");
    }

    @Test
    void bloodPressure_allFields_kPa() throws Exception {
        assertDecodes("2A35 1F A0F0 6BF0 80F0 E8070B170A0F00 4800 01 0500",
                "{\"unit\":\"kPa\",\"systolic\":16.0,\"diastolic\":10.7,\"meanArterialPressure\":12.8,"
                        + "\"timestamp\":\"2024-11-23T10:15:00\",\"pulseRate\":72,\"userId\":1,"
                        + "\"measurementStatus\":{\"raw\":5,\"bodyMovementDetected\":true,\"cuffTooLoose\":null,"
                        + "\"irregularPulseDetected\":true,\"pulseRateRange\":null,"
                        + "\"improperMeasurementPosition\":null}}");
    }

    @ParameterizedTest(name = "status {0}")
    @CsvSource({"0800, aboveUpperLimit", "1000, belowLowerLimit", "1800, reserved"})
    void bloodPressure_pulseRateRange(String status, String range) throws Exception {
        assertThat(decode("2A35 10 7800 5000 6000 " + status).at("/measurementStatus/pulseRateRange").asText())
                .isEqualTo(range);
    }

    /** 0 is "in range" only from a cuff that detects the range (0x2A49 says so); from any other it says nothing. */
    @Test
    void bloodPressure_pulseRateRangeZero_isAbsent() throws Exception {
        assertThat(decode("2A35 10 7800 5000 6000 0000").at("/measurementStatus/pulseRateRange").isNull()).isTrue();
    }

    @Test
    void bloodPressure_statusBits() throws Exception {
        JsonNode s = decode("2A35 10 7800 5000 6000 22C0").get("measurementStatus");
        assertThat(s.get("raw").asInt()).isEqualTo(0xC022);
        assertThat(s.get("cuffTooLoose").asBoolean()).isTrue();
        assertThat(s.get("improperMeasurementPosition").asBoolean()).isTrue();
        // A cleared bit is "not detected" or "not a detection this cuff supports": absent, never false.
        assertThat(s.get("bodyMovementDetected").isNull()).isTrue();
        assertThat(s.get("irregularPulseDetected").isNull()).isTrue();
    }

    @Test
    void bloodPressure_specialValues_stayStrings() throws Exception {
        JsonNode out = decode("2A35 04 7800 FF07 FF07 FF07");
        assertThat(out.get("diastolic").asText()).isEqualTo("NaN");
        assertThat(out.get("meanArterialPressure").isTextual()).isTrue();
        assertThat(out.get("pulseRate").asText()).isEqualTo("NaN");
    }

    @Test
    void bloodPressure_missingFields_areNamed() throws Exception {
        assertThat(decode("2A35 02 7800 5000 6000 E807").get("error").asText()).contains("Time Stamp");
        assertThat(decode("2A35 08 7800 5000 6000").get("error").asText()).contains("User ID");
        assertThat(decode("2A35 10 7800 5000 6000 01").get("error").asText()).contains("Measurement Status");
        assertThat(decode("2A35 00 7800 50").get("error").asText()).contains("Diastolic");
    }

    @Test
    void intermediateCuffPressure_namesItsFirstFieldCuffPressure() throws Exception {
        JsonNode out = decode("2A36 00 9600 FF07 FF07");
        assertThat(out.get("cuffPressure").asInt()).isEqualTo(150);
        assertThat(out.has("systolic")).isFalse();
        assertThat(out.get("diastolic").asText()).isEqualTo("NaN");
    }

    // --- Temperature Measurement 0x2A1C ------------------------------------------------------------------------

    @Test
    void temperature_celsius_minimal() throws Exception {
        assertDecodes("2A1C 00 6E0100FF", "{\"temperature\":36.6,\"temperatureUnit\":\"Cel\",\"timestamp\":null,"
                + "\"temperatureType\":null,\"temperatureTypeName\":null}");
    }

    @Test
    void temperature_fahrenheit_timestampAndType() throws Exception {
        assertDecodes("2A1C 07 D80300FF E8070B170A0F00 02", "{\"temperature\":98.4,\"temperatureUnit\":\"[degF]\","
                + "\"timestamp\":\"2024-11-23T10:15:00\",\"temperatureType\":2,"
                + "\"temperatureTypeName\":\"Body (general)\"}");
    }

    @ParameterizedTest
    @CsvSource({"01, Armpit", "03, Ear (usually earlobe)", "04, Finger", "05, Gastro-intestinal Tract",
        "06, Mouth", "07, Rectum", "08, Toe", "09, Tympanum (ear drum)", "00, Reserved", "0A, Reserved"})
    void temperature_typeNames(String type, String name) throws Exception {
        assertThat(decode("2A1C 04 6E0100FF " + type).get("temperatureTypeName").asText()).isEqualTo(name);
    }

    @Test
    void temperature_nan_andMissingFields() throws Exception {
        assertThat(decode("2A1C 00 FFFF7F00").get("temperature").asText()).isEqualTo("NaN");
        assertThat(decode("2A1C 00 6E01").get("error").asText()).contains("Temperature Measurement Value");
        assertThat(decode("2A1C 04 6E0100FF").get("error").asText()).contains("Temperature Type");
    }

    // --- Weight Measurement 0x2A9D -----------------------------------------------------------------------------

    @Test
    void weight_si_minimal() throws Exception {
        assertDecodes("2A9D 00 5C21", "{\"weight\":42.7,\"weightUnit\":\"kg\",\"timestamp\":null,\"userId\":null,"
                + "\"bmi\":null,\"height\":null,\"heightUnit\":null,\"measurementUnsuccessful\":false}");
    }

    @Test
    void weight_imperial_allFields() throws Exception {
        assertDecodes("2A9D 0F 4C3C E8070B170A0F00 03 E600 BE02", "{\"weight\":154.36,\"weightUnit\":\"[lb_av]\","
                + "\"timestamp\":\"2024-11-23T10:15:00\",\"userId\":3,\"bmi\":23.0,\"height\":70.2,"
                + "\"heightUnit\":\"[in_i]\",\"measurementUnsuccessful\":false}");
    }

    @Test
    void weight_siHeight_inMetres() throws Exception {
        JsonNode out = decode("2A9D 08 5C21 E600 D606");
        assertThat(out.get("height").decimalValue()).isEqualByComparingTo("1.75");
        assertThat(out.get("heightUnit").asText()).isEqualTo("m");
    }

    @Test
    void weight_unsuccessful_isNoNumber() throws Exception {
        JsonNode out = decode("2A9D 00 FFFF");
        assertThat(out.get("weight").isNull()).isTrue();
        assertThat(out.get("measurementUnsuccessful").asBoolean()).isTrue();
    }

    @Test
    void weight_missingFields_areNamed() throws Exception {
        assertThat(decode("2A9D 08 5C21 E600").get("error").asText()).contains("Height");
        assertThat(decode("2A9D 00 5C").get("error").asText()).contains("Weight");
    }

    // --- Glucose Measurement 0x2A18, Context 0x2A34 -----------------------------------------------------------

    @Test
    void glucose_allFields() throws Exception {
        assertDecodes("2A18 1B 0100 E8070B170A0F00 F0FF 5FB0 11 0000", "{\"sequenceNumber\":1,"
                + "\"baseTime\":\"2024-11-23T10:15:00\",\"timeOffsetMinutes\":-16,"
                + "\"measurementTime\":\"2024-11-23T09:59:00\",\"glucoseConcentration\":0.00095,"
                + "\"glucoseUnit\":\"kg/L\",\"glucoseType\":1,\"sampleLocation\":1,\"sensorStatusAnnunciation\":0,"
                + "\"contextInformationFollows\":true}");
    }

    @Test
    void glucose_minimal_andMolPerLitre() throws Exception {
        JsonNode minimal = decode("2A18 00 2A00 E8070B170A0F00");
        assertThat(minimal.get("sequenceNumber").asInt()).isEqualTo(42);
        assertThat(minimal.get("glucoseConcentration").isNull()).isTrue();
        assertThat(minimal.get("glucoseUnit").isNull()).isTrue();
        assertThat(minimal.get("measurementTime").asText()).isEqualTo("2024-11-23T10:15:00");

        JsonNode molar = decode("2A18 06 2A00 E8070B170A0F00 35C0 52");
        assertThat(molar.get("glucoseUnit").asText()).isEqualTo("mol/L");
        assertThat(molar.get("glucoseConcentration").decimalValue()).isEqualByComparingTo("0.0053");
        assertThat(molar.get("glucoseType").asInt()).isEqualTo(2);
        assertThat(molar.get("sampleLocation").asInt()).isEqualTo(5);
    }

    @Test
    void glucose_unknownBaseTime_hasNoMeasurementTime() throws Exception {
        JsonNode out = decode("2A18 00 0100 00000000000000");
        assertThat(out.get("baseTime").asText()).isEqualTo("0000-00-00T00:00:00");
        assertThat(out.get("measurementTime").isNull()).isTrue();
    }

    @Test
    void glucose_missingFields_areNamed() throws Exception {
        assertThat(decode("2A18 00 0100 E807").get("error").asText()).contains("Base Time");
        assertThat(decode("2A18 02 0100 E8070B170A0F00 5FB0").get("error").asText())
                .contains("Type-Sample Location");
        assertThat(decode("2A18 08 0100 E8070B170A0F00").get("error").asText())
                .contains("Sensor Status Annunciation");
    }

    @Test
    void glucoseContext_fields() throws Exception {
        JsonNode out = decode("2A34 1F 0100 01 32E0 02 21 1027 50 03 05D0");
        assertThat(out.get("sequenceNumber").asInt()).isEqualTo(1);
        assertThat(out.get("carbohydrateId").asInt()).isEqualTo(1);
        assertThat(out.get("carbohydrateKg").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(out.get("meal").asInt()).isEqualTo(2);
        assertThat(out.get("tester").asInt()).isEqualTo(1);
        assertThat(out.get("health").asInt()).isEqualTo(2);
        assertThat(out.get("exerciseDurationSeconds").asInt()).isEqualTo(10000);
        assertThat(out.get("exerciseIntensityPercent").asInt()).isEqualTo(80);
        assertThat(out.get("medicationId").asInt()).isEqualTo(3);
        assertThat(out.get("medication").decimalValue()).isEqualByComparingTo("0.005");
        assertThat(out.get("medicationUnit").asText()).isEqualTo("kg");
        assertThat(out.get("hba1cPercent").isNull()).isTrue();
        assertThat(decode("2A34 60 0100 4200").get("hba1cPercent").decimalValue()).isEqualByComparingTo("66");
        assertThat(decode("2A34 40 0100").get("error").asText()).contains("HbA1c");
    }

    // --- PLX Spot-Check 0x2A5E, PLX Continuous 0x2A5F ----------------------------------------------------------

    @Test
    void plxSpotCheck_minimal() throws Exception {
        assertDecodes("2A5E 00 6100 4800", "{\"spo2\":97,\"pulseRate\":72,\"timestamp\":null,"
                + "\"measurementStatus\":null,\"deviceAndSensorStatus\":null,\"pulseAmplitudeIndex\":null,"
                + "\"deviceClockNotSet\":false}");
    }

    @Test
    void plxSpotCheck_allFields() throws Exception {
        assertDecodes("2A5E 1F 6100 4800 E8070B170A0F00 8000 010002 34F0", "{\"spo2\":97,\"pulseRate\":72,"
                + "\"timestamp\":\"2024-11-23T10:15:00\",\"measurementStatus\":128,"
                + "\"deviceAndSensorStatus\":131073,\"pulseAmplitudeIndex\":5.2,\"deviceClockNotSet\":true}");
    }

    @Test
    void plxContinuous_normalFastSlow() throws Exception {
        assertDecodes("2A5F 1F 6100 4800 6200 4900 6000 4700 0001 000000 34F0", "{\"spo2\":97,\"pulseRate\":72,"
                + "\"spo2Fast\":98,\"pulseRateFast\":73,\"spo2Slow\":96,\"pulseRateSlow\":71,"
                + "\"measurementStatus\":256,\"deviceAndSensorStatus\":0,\"pulseAmplitudeIndex\":5.2}");
        JsonNode minimal = decode("2A5F 00 FF07 4800");
        assertThat(minimal.get("spo2").asText()).isEqualTo("NaN");
        assertThat(minimal.get("spo2Fast").isNull()).isTrue();
    }

    @Test
    void plx_missingFields_areNamed() throws Exception {
        assertThat(decode("2A5E 04 6100 4800 0100").get("error").asText()).contains("Device and Sensor Status");
        assertThat(decode("2A5F 02 6100 4800 6200").get("error").asText()).contains("SpO2PR-Slow");
    }

    // --- input handling ----------------------------------------------------------------------------------------

    @Test
    void characteristicSpellings_areAccepted() throws Exception {
        JsonNode expected = decode("2A37 0048");
        assertThat(decode("2a37 00:48")).isEqualTo(expected);
        assertThat(decode("0x2A37 0x0048")).isEqualTo(expected);
        assertThat(decode("00002a37-0000-1000-8000-00805f9b34fb 00 48")).isEqualTo(expected);
    }

    @Test
    void badLines_getAnErrorAndTheCommandGoesOn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String input = "2A37 0048\nnonsense\n2A37 0G\n\n# a comment\n2A19 64\n2A37 01\n2A37 0049\n";

        int status = command.run(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(status).isZero();
        assertThat(lines).hasSize(6);
        assertThat(JSON.readTree(lines[0]).get("heartRate").asInt()).isEqualTo(72);
        assertThat(JSON.readTree(lines[1]).get("error").asText()).contains("nonsense");
        assertThat(JSON.readTree(lines[2]).get("error").asText()).contains("hex");
        assertThat(JSON.readTree(lines[3]).get("error").asText()).contains("2A19");
        assertThat(JSON.readTree(lines[4]).get("error").asText()).contains("Heart Rate Measurement Value");
        assertThat(JSON.readTree(lines[5]).get("heartRate").asInt()).isEqualTo(73);
    }

    private JsonNode decode(String line) throws Exception {
        return JSON.readTree(command.decodeLine(line));
    }

    private void assertDecodes(String line, String expectedJson) throws Exception {
        assertThat(decode(line)).isEqualTo(JSON.readTree(expectedJson));
    }
}
