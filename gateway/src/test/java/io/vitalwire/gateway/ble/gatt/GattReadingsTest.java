package io.vitalwire.gateway.ble.gatt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From the bytes a device sends to the readings the gateway forwards: decode, clinical rules, normalization. */
class GattReadingsTest {

    private static final DeviceIdentity DEVICE = new DeviceIdentity("Acme", "M1", "SN-7", "AA:BB:CC:DD:EE:FF", null);
    private static final Instant RECEIVED = Instant.parse("2024-11-23T10:20:00Z");
    private final Normalizer normalizer = new Normalizer("gw-1", ZoneOffset.UTC);

    @Test
    void bloodPressure_inKpa_becomesAnMmHgPanel_plusAPulseReading() throws Exception {
        List<Reading> r = readings(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT,
                "1F A0F0 6BF0 80F0 E8070B170A0F00 4800 01 0500");

        assertThat(r).hasSize(2);
        Reading bp = r.get(0);
        assertThat(bp.type()).isEqualTo(MeasurementType.BLOOD_PRESSURE);
        assertThat(bp.values()).extracting(ReadingValue::value).containsExactly(new BigDecimal("120.0"),
                new BigDecimal("80.3"), new BigDecimal("96.0"));
        assertThat(bp.values()).allMatch(v -> v.unit().equals("mm[Hg]"));
        assertThat(bp.flags()).containsExactly("body-movement", "irregular-pulse");
        assertThat(bp.device().userIndex()).isEqualTo(1);
        assertThat(bp.deviceTime()).isEqualTo("2024-11-23T10:15:00");
        assertThat(bp.measuredAt()).isEqualTo(Instant.parse("2024-11-23T10:15:00Z"));
        assertThat(bp.key()).isEqualTo("gw-1/sn.SN-7.u1/t20241123T101500/150020");
        Reading pulse = r.get(1);
        assertThat(pulse.mdc()).isEqualTo("149546");
        assertThat(pulse.values().get(0).value()).isEqualByComparingTo("72");
    }

    @Test
    void bloodPressure_unknownUser_andMissingMeanPressure() throws Exception {
        List<Reading> r = readings(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT, "08 7800 5000 FF07 FF");

        assertThat(r).hasSize(1);
        assertThat(r.get(0).device().userIndex()).isNull();
        assertThat(r.get(0).values()).hasSize(2);
        assertThat(r.get(0).clockQuality()).isEqualTo(ClockQuality.RECEIVE_TIME);
    }

    @Test
    void bloodPressure_clearedStatusBits_addNoFlags() throws Exception {
        Reading bp = readings(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT, "10 7800 5000 6000 0000").get(0);

        assertThat(bp.flags()).isEmpty();
    }

    /** Sensor Contact Status 0 or 1: the strap cannot detect contact, so its reading says nothing about it. */
    @Test
    void heartRate_contactNotSupported_carriesNoContactFlag() throws Exception {
        assertThat(readings(HealthCharacteristic.HEART_RATE_MEASUREMENT, "00 48").get(0).flags()).isEmpty();
        assertThat(readings(HealthCharacteristic.HEART_RATE_MEASUREMENT, "02 48").get(0).flags()).isEmpty();
    }

    @Test
    void heartRate_contactSupportedAndLost_isFlagged() throws Exception {
        assertThat(readings(HealthCharacteristic.HEART_RATE_MEASUREMENT, "04 48").get(0).flags())
                .containsExactly("no-sensor-contact");
    }

    @Test
    void heartRate_contactSupportedAndDetected_carriesNoFlag() throws Exception {
        assertThat(readings(HealthCharacteristic.HEART_RATE_MEASUREMENT, "06 48").get(0).flags()).isEmpty();
    }

    @Test
    void specialValues_neverBecomeReadings() {
        assertRefused(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT, "00 FF07 5000 6000", "systolic is NaN");
        assertRefused(HealthCharacteristic.BLOOD_PRESSURE_MEASUREMENT, "00 7800 0008 6000", "diastolic is NRes");
        assertRefused(HealthCharacteristic.TEMPERATURE_MEASUREMENT, "00 FEFF7F00", "+INF");
        assertRefused(HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT, "00 FF07 4800", "SpO2 is NaN");
        assertRefused(HealthCharacteristic.GLUCOSE_MEASUREMENT, "02 0100 E8070B170A0F00 FF07 11", "NaN");
    }

    @Test
    void unsuccessfulAndNonPatientMeasurements_areRefused() {
        assertRefused(HealthCharacteristic.WEIGHT_MEASUREMENT, "00 FFFF", "unsuccessful");
        assertRefused(HealthCharacteristic.GLUCOSE_MEASUREMENT, "02 0100 E8070B170A0F00 5FB0 1A", "control solution");
        assertRefused(HealthCharacteristic.GLUCOSE_MEASUREMENT, "02 0100 E8070B170A0F00 5FB0 41", "control solution");
        assertRefused(HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT, "02 6100 4800 0008", "test data");
        assertRefused(HealthCharacteristic.PLX_CONTINUOUS_MEASUREMENT, "04 6100 4800 0080", "invalid");
    }

    @Test
    void displayOnlyValues_holdNoReadings() throws Exception {
        assertThat(readings(HealthCharacteristic.INTERMEDIATE_CUFF_PRESSURE, "00 9600 FF07 FF07")).isEmpty();
        assertThat(readings(HealthCharacteristic.GLUCOSE_MEASUREMENT_CONTEXT, "02 0100 01")).isEmpty();
        assertThat(readings(HealthCharacteristic.GLUCOSE_MEASUREMENT, "00 0100 E8070B170A0F00")).isEmpty();
    }

    @Test
    void heartRate_usesTheReceiveTime() throws Exception {
        Reading hr = readings(HealthCharacteristic.HEART_RATE_MEASUREMENT, "06 48").get(0);

        assertThat(hr.mdc()).isEqualTo("147842");
        assertThat(hr.loinc()).isEqualTo("8867-4");
        assertThat(hr.values().get(0)).isEqualTo(new ReadingValue("147842", "8867-4", new BigDecimal("72"), "/min"));
        assertThat(hr.measuredAt()).isEqualTo(RECEIVED);
        assertThat(hr.source().ref()).isEqualTo("2A37");
    }

    @Test
    void temperature_inFahrenheit_staysFahrenheit() throws Exception {
        Reading t = readings(HealthCharacteristic.TEMPERATURE_MEASUREMENT, "01 D80300FF").get(0);

        assertThat(t.values().get(0)).isEqualTo(new ReadingValue("150364", "8310-5", new BigDecimal("98.4"),
                "[degF]"));
    }

    @Test
    void weight_withBmiAndHeight_isThreeReadings() throws Exception {
        List<Reading> r = readings(HealthCharacteristic.WEIGHT_MEASUREMENT, "0C 5C21 02 E600 D606");

        assertThat(r).extracting(Reading::type).containsExactly(MeasurementType.BODY_WEIGHT, MeasurementType.BMI,
                MeasurementType.BODY_HEIGHT);
        assertThat(r.get(0).values().get(0).value()).isEqualByComparingTo("42.7");
        assertThat(r.get(1).values().get(0).unit()).isEqualTo("kg/m2");
        assertThat(r.get(2).values().get(0).value()).isEqualByComparingTo("1.75");
        assertThat(r).allMatch(x -> x.device().userIndex() == 2);
    }

    @Test
    void glucose_isKeyedBySequence_andConvertedToMgPerDl() throws Exception {
        Reading g = readings(HealthCharacteristic.GLUCOSE_MEASUREMENT, "0B 2A00 E8070B170A0F00 F0FF 5FB0 11 0000")
                .get(0);

        assertThat(g.key()).isEqualTo("gw-1/sn.SN-7/s42/160184");
        assertThat(g.sequence()).isEqualTo(42L);
        assertThat(g.values().get(0)).isEqualTo(new ReadingValue("160184", "2339-0", new BigDecimal("95"), "mg/dL"));
        assertThat(g.deviceTime()).isEqualTo("2024-11-23T09:59:00");
        assertThat(g.flags()).isEmpty();
    }

    @Test
    void oximeter_pulseHasItsOwnCode_andAnUnsetClockIsNotTrusted() throws Exception {
        List<Reading> r = readings(HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT,
                "13 6100 4800 E8070B170A0F00 0040");

        assertThat(r).extracting(Reading::mdc).containsExactly("150456", "149530");
        assertThat(r.get(0).deviceTime()).isNull();
        assertThat(r.get(0).clockQuality()).isEqualTo(ClockQuality.RECEIVE_TIME);
        assertThat(r.get(0).flags()).containsExactly("questionable");
    }

    private List<Reading> readings(HealthCharacteristic c, String hex) throws Exception {
        GattMeasurement decoded = c.decode(HexFormat.of().parseHex(hex.replace(" ", "")));
        List<Reading> out = new ArrayList<>();
        for (var m : GattReadings.toMeasurements(c, decoded, DEVICE, null)) {
            out.add(normalizer.normalize(m, RECEIVED));
        }
        return out;
    }

    private void assertRefused(HealthCharacteristic c, String hex, String reason) {
        assertThatThrownBy(() -> readings(c, hex)).as(hex).isInstanceOf(NormalizationException.class)
                .hasMessageContaining(reason);
    }
}
