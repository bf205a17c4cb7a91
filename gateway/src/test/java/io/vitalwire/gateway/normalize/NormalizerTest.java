package io.vitalwire.gateway.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.ClockSync;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NormalizerTest {

    private static final DeviceIdentity CUFF = new DeviceIdentity("Acme", "BP-1", "SN1", null, 1);
    private static final Instant RECEIVED = Instant.parse("2026-11-23T10:00:00Z");
    private final Normalizer normalizer = new Normalizer("gw-1", ZoneId.of("Europe/Berlin"));

    @Test
    void bloodPressure_inKpa_isConvertedToMmHg_andCodedAsThePanel() throws Exception {
        Reading r = normalizer.normalize(measurement(MeasurementType.BLOOD_PRESSURE, null, null,
                new MeasuredValue(Quantity.SYSTOLIC, new BigDecimal("16.0"), "kPa"),
                new MeasuredValue(Quantity.DIASTOLIC, new BigDecimal("10.7"), "kPa")), RECEIVED);

        assertThat(r.mdc()).isEqualTo("150020");
        assertThat(r.loinc()).isEqualTo("85354-9");
        assertThat(r.values()).containsExactly(
                new ReadingValue("150021", "8480-6", new BigDecimal("120.0"), "mm[Hg]"),
                new ReadingValue("150022", "8462-4", new BigDecimal("80.3"), "mm[Hg]"));
    }

    @Test
    void bloodPressure_withoutSystolic_isRefused() {
        assertThatThrownBy(() -> normalizer.normalize(measurement(MeasurementType.BLOOD_PRESSURE, null, null,
                new MeasuredValue(Quantity.DIASTOLIC, new BigDecimal("80"), "mm[Hg]")), RECEIVED))
                .isInstanceOf(NormalizationException.class).hasMessageContaining("systolic");
    }

    @Test
    void glucose_keepsItsDimension_andTakesTheMatchingLoinc() throws Exception {
        Reading mass = normalizer.normalize(measurement(MeasurementType.BLOOD_GLUCOSE, null, null,
                new MeasuredValue(Quantity.GLUCOSE_CAPILLARY, new BigDecimal("0.00095"), "kg/L")), RECEIVED);
        Reading moles = normalizer.normalize(measurement(MeasurementType.BLOOD_GLUCOSE, null, null,
                new MeasuredValue(Quantity.GLUCOSE_CAPILLARY, new BigDecimal("0.0053"), "mol/L")), RECEIVED);

        assertThat(mass.values().get(0)).isEqualTo(new ReadingValue("160184", "2339-0", new BigDecimal("95"), "mg/dL"));
        assertThat(mass.loinc()).isEqualTo("2339-0");
        assertThat(moles.values().get(0))
                .isEqualTo(new ReadingValue("160184", "15074-8", new BigDecimal("5.3"), "mmol/L"));
    }

    @Test
    void wrongUnit_isRefusedWithTheUnitNamed() {
        assertThatThrownBy(() -> normalizer.normalize(measurement(MeasurementType.HEART_RATE, null, null,
                new MeasuredValue(Quantity.HEART_RATE, new BigDecimal("60"), "Hz")), RECEIVED))
                .isInstanceOf(NormalizationException.class).hasMessageContaining("'Hz'");
        assertThatThrownBy(() -> normalizer.normalize(measurement(MeasurementType.BODY_TEMPERATURE, null, null,
                new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal("310"), "K")), RECEIVED))
                .isInstanceOf(NormalizationException.class).hasMessageContaining("'K'");
    }

    @Test
    void timing_withoutDeviceTime_usesTheReceiveTime() throws Exception {
        Reading r = normalizer.normalize(heartRate(null, null), RECEIVED);

        assertThat(r.measuredAt()).isEqualTo(RECEIVED);
        assertThat(r.clockQuality()).isEqualTo(ClockQuality.RECEIVE_TIME);
    }

    @Test
    void timing_localDeviceTime_isReadInTheDeviceZone() throws Exception {
        Reading r = normalizer.normalize(heartRate("2026-11-23T10:59:00", null), RECEIVED);

        assertThat(r.measuredAt()).isEqualTo(Instant.parse("2026-11-23T09:59:00Z"));
        assertThat(r.clockQuality()).isEqualTo(ClockQuality.UNCORRECTED);
        assertThat(r.deviceTime()).isEqualTo("2026-11-23T10:59:00");
    }

    @Test
    void timing_measuredOffset_correctsTheDeviceTime() throws Exception {
        // The device clock runs 5 minutes fast.
        Reading r = normalizer.normalize(heartRate("2026-11-23T11:04:00", 300_000L), RECEIVED);

        assertThat(r.measuredAt()).isEqualTo(Instant.parse("2026-11-23T09:59:00Z"));
        assertThat(r.clockQuality()).isEqualTo(ClockQuality.CORRECTED);
        assertThat(r.clockOffsetMillis()).isEqualTo(300_000L);
    }

    @Test
    void timing_smallOffset_isSynced() throws Exception {
        Reading r = normalizer.normalize(heartRate("2026-11-23T10:59:00", 900L), RECEIVED);

        assertThat(r.measuredAt()).isEqualTo(Instant.parse("2026-11-23T09:59:00Z"));
        assertThat(r.clockQuality()).isEqualTo(ClockQuality.SYNCED);
    }

    /** An offset measured against a clock that is itself not synchronised corrects nothing. */
    @ParameterizedTest(name = "gateway clock {0}")
    @EnumSource(value = ClockSync.class, names = {"UNSYNCED", "UNKNOWN"})
    void timing_gatewayClockNotSynchronised_isUncorrected_neverSyncedOrCorrected(ClockSync gatewayClock)
            throws Exception {
        Normalizer unsynced = new Normalizer("gw-1", ZoneId.of("Europe/Berlin"), () -> gatewayClock);

        Reading wouldBeCorrected = unsynced.normalize(heartRate("2026-11-23T11:04:00", 300_000L), RECEIVED);
        Reading wouldBeSynced = unsynced.normalize(heartRate("2026-11-23T10:59:00", 900L), RECEIVED);

        assertThat(wouldBeCorrected.clockQuality()).isEqualTo(ClockQuality.UNCORRECTED);
        // Device time as is: the contract's meaning of uncorrected. The measured offset is still reported.
        assertThat(wouldBeCorrected.measuredAt()).isEqualTo(Instant.parse("2026-11-23T10:04:00Z"));
        assertThat(wouldBeCorrected.clockOffsetMillis()).isEqualTo(300_000L);
        assertThat(wouldBeSynced.clockQuality()).isEqualTo(ClockQuality.UNCORRECTED);
        assertThat(wouldBeSynced.measuredAt()).isEqualTo(Instant.parse("2026-11-23T09:59:00Z"));
    }

    @Test
    void timing_gatewayClockNotSynchronised_withoutDeviceTime_staysReceiveTime() throws Exception {
        Normalizer unsynced = new Normalizer("gw-1", ZoneId.of("Europe/Berlin"), () -> ClockSync.UNSYNCED);

        Reading r = unsynced.normalize(heartRate(null, null), RECEIVED);

        assertThat(r.clockQuality()).isEqualTo(ClockQuality.RECEIVE_TIME);
        assertThat(r.measuredAt()).isEqualTo(RECEIVED);
    }

    /** The window judges the time after correction: a clock years off with a measured offset is only drift. */
    @Test
    void timing_theWindowJudgesTheCorrectedTime_andADeviceTimeOutsideItBecomesReceiveTime() throws Exception {
        long yearsAhead = Duration.ofDays(3 * 365).toMillis();
        Normalizer narrow = new Normalizer("gw-1", ZoneId.of("Europe/Berlin"), () -> ClockSync.SYNCED,
                new TimeWindow(Duration.ofDays(30), Duration.ofMinutes(10)));

        Reading corrected = narrow.normalize(heartRate(LocalDateTime.parse("2026-11-23T10:59:00")
                .plus(Duration.ofMillis(yearsAhead)).toString(), yearsAhead), RECEIVED);
        Reading resetClock = narrow.normalize(heartRate("2000-01-01T00:00:00", null), RECEIVED);
        Reading justInside = narrow.normalize(heartRate("2026-10-24T12:00:00", null), RECEIVED);
        Reading ahead = narrow.normalize(heartRate("2026-11-23T11:11:00", null), RECEIVED);

        assertThat(corrected.clockQuality()).isEqualTo(ClockQuality.CORRECTED);
        assertThat(corrected.measuredAt()).isEqualTo(Instant.parse("2026-11-23T09:59:00Z"));
        assertThat(resetClock.clockQuality()).isEqualTo(ClockQuality.RECEIVE_TIME);
        assertThat(resetClock.measuredAt()).isEqualTo(RECEIVED);
        assertThat(resetClock.deviceTime()).as("the raw device time is kept").isEqualTo("2000-01-01T00:00:00");
        assertThat(resetClock.key()).as("and still keys the record").contains("/t20000101T000000/");
        assertThat(justInside.clockQuality()).isEqualTo(ClockQuality.UNCORRECTED);
        assertThat(ahead.clockQuality()).as("11 minutes ahead").isEqualTo(ClockQuality.RECEIVE_TIME);
    }

    @Test
    void values_outsideThePlausibilityBounds_areRefusedAsImplausible() {
        assertThatThrownBy(() -> normalizer.normalize(measurement(MeasurementType.BLOOD_PRESSURE, null, null,
                new MeasuredValue(Quantity.SYSTOLIC, new BigDecimal("45.0"), "kPa"),
                new MeasuredValue(Quantity.DIASTOLIC, new BigDecimal("10.7"), "kPa")), RECEIVED))
                .isInstanceOf(ImplausibleMeasurementException.class)
                .hasMessageContaining("'values[0].value'").hasMessageContaining("mm[Hg]");
    }

    @Test
    void key_isStableForTheSameRecordReceivedTwice() throws Exception {
        Reading first = normalizer.normalize(heartRate("2026-11-23T10:59:00", null), RECEIVED);
        Reading again = normalizer.normalize(heartRate("2026-11-23T10:59:00", null), RECEIVED.plusSeconds(60));

        assertThat(first.key()).isEqualTo(again.key()).isEqualTo("gw-1/sn.SN1.u1/t20261123T105900/147842");
    }

    private static DeviceMeasurement heartRate(String deviceTime, Long offset) {
        return measurement(MeasurementType.HEART_RATE, deviceTime, offset,
                new MeasuredValue(Quantity.HEART_RATE, new BigDecimal("61"), "/min"));
    }

    private static DeviceMeasurement measurement(MeasurementType type, String deviceTime, Long offset,
                                                 MeasuredValue... values) {
        return new DeviceMeasurement(CUFF, type, List.of(values), null, deviceTime, offset,
                new Source(Transport.BLE, "2A35"), List.of());
    }
}
