package io.vitalwire.gateway.normalize;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.ClockSync;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Plausibility;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.gateway.clock.GatewayClockSync;
import io.vitalwire.gateway.identity.GatewayConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a device source decoded into a contract {@link Reading}: MDC and LOINC codes, the UCUM units the FHIR
 * vital-signs profiles require, the idempotency key, and the one decision about when the measurement happened.
 *
 * <p>That decision trusts the gateway's own clock only while it is known to be synchronised: an offset measured
 * against a clock that is itself wrong corrects nothing, so then device time is used as is and called
 * {@link ClockQuality#UNCORRECTED}, never {@code synced} or {@code corrected}. And it trusts a device's time only
 * within the {@link TimeWindow} around the receive time: outside it the device's clock is wrong, not its
 * measurement, so the reading is kept on receive time ({@link ClockQuality#RECEIVE_TIME}) with its raw device time.
 *
 * <p>A value outside the contract's plausibility bounds is refused here ({@link ImplausibleMeasurementException}):
 * the edge is where a device fault must stop, before the buffer.
 */
@Singleton
public class Normalizer {

    /** An offset this small is clock noise, not drift: the device time is used as is. */
    static final long SYNC_TOLERANCE_MILLIS = 2_000;

    private static final BigDecimal MMHG_PER_KPA = new BigDecimal("7.50062");

    private final String gatewayId;
    private final ZoneId deviceZone;
    private final GatewayClockSync clockSync;
    private final TimeWindow window;

    @Inject
    public Normalizer(GatewayConfig config, GatewayClockSync clockSync, TimeWindowConfig window) {
        this(config.getId(), config.getDeviceTimeZone().isBlank() ? ZoneId.systemDefault()
                : ZoneId.of(config.getDeviceTimeZone()), clockSync, TimeWindow.of(window));
    }

    /**
     * For a gateway whose clock is synchronised (simulators, benchmarks, tests about anything but the clock).
     *
     * @param deviceZone the zone BLE devices' local timestamps are read in
     */
    public Normalizer(String gatewayId, ZoneId deviceZone) {
        this(gatewayId, deviceZone, () -> ClockSync.SYNCED);
    }

    /**
     * @param deviceZone the zone BLE devices' local timestamps are read in
     * @param clockSync  whether the gateway's own clock is synchronised, asked for every reading
     */
    public Normalizer(String gatewayId, ZoneId deviceZone, GatewayClockSync clockSync) {
        this(gatewayId, deviceZone, clockSync, TimeWindow.DEFAULT);
    }

    /**
     * @param deviceZone the zone BLE devices' local timestamps are read in
     * @param clockSync  whether the gateway's own clock is synchronised, asked for every reading
     * @param window     where around the receive time a device's time is believed
     */
    public Normalizer(String gatewayId, ZoneId deviceZone, GatewayClockSync clockSync, TimeWindow window) {
        this.gatewayId = gatewayId;
        this.deviceZone = deviceZone;
        this.clockSync = clockSync;
        this.window = window;
    }

    /**
     * @throws ImplausibleMeasurementException a value is outside the contract's plausibility bounds
     * @throws NormalizationException          the measurement cannot become a reading (unit, missing component)
     */
    public Reading normalize(DeviceMeasurement m, Instant receivedAt) throws NormalizationException {
        if (m.values().isEmpty()) {
            throw new NormalizationException("measurement of " + m.type() + " has no values");
        }
        List<ReadingValue> values = new ArrayList<>(m.values().size());
        for (MeasuredValue value : m.values()) {
            values.add(readingValue(value));
        }
        String mdc = m.type() == MeasurementType.BLOOD_PRESSURE ? "150020" : values.get(0).mdc();
        String loinc = m.type() == MeasurementType.BLOOD_PRESSURE ? "85354-9" : values.get(0).loinc();
        if (m.type() == MeasurementType.BLOOD_PRESSURE && values.stream().noneMatch(v -> v.mdc().equals("150021"))) {
            throw new NormalizationException("blood pressure without a systolic value");
        }
        Timing timing = timing(m.deviceTime(), m.clockOffsetMillis(), receivedAt);
        String key = ReadingKey.of(gatewayId, m.device(), m.sequence(), m.deviceTime(), receivedAt, mdc);
        Reading reading = new Reading(key, m.type(), mdc, loinc, values, m.device(), m.sequence(), m.deviceTime(),
                timing.measuredAt(), receivedAt, m.clockOffsetMillis(), timing.quality(), m.source(), m.flags());
        Optional<String> implausible = Plausibility.implausibleValue(reading);
        if (implausible.isPresent()) {
            throw new ImplausibleMeasurementException(implausible.get());
        }
        return reading;
    }

    private record Timing(Instant measuredAt, ClockQuality quality) {
    }

    /** The device's time as the clock rules make it, unless it lies outside the window: then receive time. */
    private Timing timing(String deviceTime, Long offsetMillis, Instant receivedAt) {
        if (deviceTime == null) {
            return new Timing(receivedAt, ClockQuality.RECEIVE_TIME);
        }
        Timing byDevice = deviceTiming(deviceTime, offsetMillis);
        return window.contains(byDevice.measuredAt(), receivedAt) ? byDevice
                : new Timing(receivedAt, ClockQuality.RECEIVE_TIME);
    }

    private Timing deviceTiming(String deviceTime, Long offsetMillis) {
        Instant byDevice = deviceTime.endsWith("Z") ? Instant.parse(deviceTime)
                : LocalDateTime.parse(deviceTime).atZone(deviceZone).toInstant();
        if (offsetMillis == null || !clockSync.isSynchronised()) {
            return new Timing(byDevice, ClockQuality.UNCORRECTED);
        }
        if (Math.abs(offsetMillis) <= SYNC_TOLERANCE_MILLIS) {
            return new Timing(byDevice, ClockQuality.SYNCED);
        }
        return new Timing(byDevice.minusMillis(offsetMillis), ClockQuality.CORRECTED);
    }

    /**
     * A value the contract cannot carry (more digits or a larger exponent than it bounds: a CBOR float of 1.7e25,
     * found by SenmlPackFuzzTest) is the measurement's fault, refused like any other — not an unchecked exception,
     * which the CoAP resource would answer 5.00 and the device retry for ever.
     */
    private static ReadingValue readingValue(MeasuredValue v) throws NormalizationException {
        try {
            return toReadingValue(v);
        } catch (IllegalArgumentException e) {
            throw new NormalizationException(v.quantity() + ": " + e.getMessage());
        }
    }

    private static ReadingValue toReadingValue(MeasuredValue v) throws NormalizationException {
        Quantity q = v.quantity();
        if (q == Quantity.GLUCOSE_CAPILLARY) {
            return glucose(v);
        }
        BigDecimal value = v.value();
        String unit = v.unit();
        if ("kPa".equals(unit) && "mm[Hg]".equals(q.requiredUnit())) {
            // The vital-signs BP profile accepts mm[Hg] only.
            value = value.multiply(MMHG_PER_KPA).setScale(1, RoundingMode.HALF_UP);
            unit = "mm[Hg]";
        }
        if (q.requiredUnit() != null && !q.requiredUnit().equals(unit)) {
            throw new NormalizationException(q + " in unit '" + v.unit() + "' (expected " + q.requiredUnit() + ")");
        }
        if (q == Quantity.BODY_TEMPERATURE && !unit.equals("Cel") && !unit.equals("[degF]")) {
            throw new NormalizationException("body temperature in unit '" + unit + "' (expected Cel or [degF])");
        }
        if ((q == Quantity.BODY_WEIGHT) && !unit.equals("kg") && !unit.equals("g") && !unit.equals("[lb_av]")) {
            throw new NormalizationException("body weight in unit '" + unit + "' (expected kg, g or [lb_av])");
        }
        if ((q == Quantity.BODY_HEIGHT) && !unit.equals("m") && !unit.equals("cm") && !unit.equals("[in_i]")) {
            throw new NormalizationException("body height in unit '" + unit + "' (expected m, cm or [in_i])");
        }
        return new ReadingValue(q.mdc(), q.loinc(), value, unit);
    }

    /** Glucose keeps its dimension (mass or substance concentration); the LOINC code follows it. */
    private static ReadingValue glucose(MeasuredValue v) throws NormalizationException {
        String mdc = Quantity.GLUCOSE_CAPILLARY.mdc();
        return switch (v.unit()) {
            case "mg/dL" -> new ReadingValue(mdc, "2339-0", v.value(), "mg/dL");
            // 1 kg/L = 100,000 mg/dL; moving the decimal point keeps exactly the device's resolution.
            case "kg/L" -> new ReadingValue(mdc, "2339-0", v.value().movePointRight(5), "mg/dL");
            case "mmol/L" -> new ReadingValue(mdc, "15074-8", v.value(), "mmol/L");
            case "mol/L" -> new ReadingValue(mdc, "15074-8", v.value().movePointRight(3), "mmol/L");
            default -> throw new NormalizationException("glucose in unit '" + v.unit()
                    + "' (expected mg/dL, kg/L, mmol/L or mol/L)");
        };
    }
}
