package io.vitalwire.gateway.ble.gatt;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a decoded health characteristic into the measurements it holds, for normalization. This is where the
 * clinical reading of the flags lives: a special value, an unsuccessful measurement, test or demonstration data and
 * control-solution glucose never become a patient's reading; display-only values (intermediate cuff pressure,
 * glucose context) hold none.
 */
public final class GattReadings {

    /** BLE "unknown user": the reading is the device's, not a known user's. */
    private static final int UNKNOWN_USER = 255;
    private static final int GLUCOSE_CONTROL_SOLUTION_TYPE = 10;
    private static final int GLUCOSE_CONTROL_SOLUTION_LOCATION = 4;
    // PLX Measurement Status bits.
    private static final int PLX_EARLY_ESTIMATE = 1 << 6;
    private static final int PLX_DEMONSTRATION = 1 << 10;
    private static final int PLX_TESTING = 1 << 11;
    private static final int PLX_UNAVAILABLE = 1 << 13;
    private static final int PLX_QUESTIONABLE = 1 << 14;
    private static final int PLX_INVALID = 1 << 15;

    private GattReadings() {
    }

    /**
     * @param device            the device, from Device Information or the BLE address; the user index is taken from
     *                          the value where the characteristic carries one
     * @param clockOffsetMillis device clock minus gateway clock, if measured on this connection
     * @return the measurements, primary first; empty for values that carry none
     * @throws NormalizationException for a value that must not reach a patient's record; the message says why
     */
    public static List<DeviceMeasurement> toMeasurements(HealthCharacteristic characteristic, GattMeasurement decoded,
                                                         DeviceIdentity device, Long clockOffsetMillis)
            throws NormalizationException {
        Source source = new Source(Transport.BLE, characteristic.hex());
        Context c = new Context(device, clockOffsetMillis, source);
        if (decoded instanceof HeartRateMeasurement hr) {
            // Only a strap that detects contact can say it has none; one that cannot says nothing.
            List<String> flags = Boolean.FALSE.equals(hr.sensorContactDetected()) ? List.of("no-sensor-contact")
                    : List.of();
            return List.of(c.measurement(MeasurementType.HEART_RATE, null, null, flags,
                    new MeasuredValue(Quantity.HEART_RATE, BigDecimal.valueOf(hr.heartRate()), "/min")));
        }
        if (decoded instanceof BloodPressureMeasurement bp) {
            return bloodPressure(bp, c);
        }
        if (decoded instanceof TemperatureMeasurement t) {
            return List.of(c.measurement(MeasurementType.BODY_TEMPERATURE, time(t.timestamp()), null, List.of(),
                    new MeasuredValue(Quantity.BODY_TEMPERATURE, finite("temperature", t.temperature()),
                            t.temperatureUnit())));
        }
        if (decoded instanceof WeightMeasurement w) {
            return weight(w, c);
        }
        if (decoded instanceof GlucoseMeasurement g) {
            return glucose(g, c);
        }
        if (decoded instanceof PlxSpotCheckMeasurement spot) {
            String deviceTime = spot.deviceClockNotSet() ? null : time(spot.timestamp());
            return oximetry(spot.spo2(), spot.pulseRate(), spot.measurementStatus(), deviceTime, c);
        }
        if (decoded instanceof PlxContinuousMeasurement cont) {
            return oximetry(cont.spo2(), cont.pulseRate(), cont.measurementStatus(), null, c);
        }
        // Intermediate cuff pressure is for display while the cuff inflates; glucose context annotates a record.
        return List.of();
    }

    private static List<DeviceMeasurement> bloodPressure(BloodPressureMeasurement bp, Context c)
            throws NormalizationException {
        String unit = bp.unit().equals("kPa") ? "kPa" : "mm[Hg]";
        List<MeasuredValue> values = new ArrayList<>(3);
        values.add(new MeasuredValue(Quantity.SYSTOLIC, finite("systolic", bp.systolic()), unit));
        values.add(new MeasuredValue(Quantity.DIASTOLIC, finite("diastolic", bp.diastolic()), unit));
        if (bp.meanArterialPressure() instanceof MedFloat.Finite map) {
            values.add(new MeasuredValue(Quantity.MEAN_ARTERIAL_PRESSURE, map.value(), unit));
        }
        List<String> flags = bp.measurementStatus() == null ? List.of() : flags(bp.measurementStatus());
        String time = time(bp.timestamp());
        Integer user = user(bp.userId());
        List<DeviceMeasurement> out = new ArrayList<>(2);
        out.add(c.measurement(MeasurementType.BLOOD_PRESSURE, time, user, flags,
                values.toArray(MeasuredValue[]::new)));
        if (bp.pulseRate() instanceof MedFloat.Finite pulse) {
            out.add(c.measurement(MeasurementType.PULSE_RATE, time, user, List.of(),
                    new MeasuredValue(Quantity.PULSE_RATE_NIBP, pulse.value(), "/min")));
        }
        return out;
    }

    private static List<String> flags(BloodPressureStatus s) {
        List<String> flags = new ArrayList<>();
        if (Boolean.TRUE.equals(s.bodyMovementDetected())) {
            flags.add("body-movement");
        }
        if (Boolean.TRUE.equals(s.cuffTooLoose())) {
            flags.add("cuff-too-loose");
        }
        if (Boolean.TRUE.equals(s.irregularPulseDetected())) {
            flags.add("irregular-pulse");
        }
        if ("aboveUpperLimit".equals(s.pulseRateRange())) {
            flags.add("pulse-rate-above-range");
        } else if ("belowLowerLimit".equals(s.pulseRateRange())) {
            flags.add("pulse-rate-below-range");
        }
        if (Boolean.TRUE.equals(s.improperMeasurementPosition())) {
            flags.add("improper-position");
        }
        return flags;
    }

    private static List<DeviceMeasurement> weight(WeightMeasurement w, Context c) throws NormalizationException {
        if (w.measurementUnsuccessful()) {
            throw new NormalizationException("weight: the scale reports the measurement unsuccessful");
        }
        String time = time(w.timestamp());
        Integer user = user(w.userId());
        List<DeviceMeasurement> out = new ArrayList<>(3);
        out.add(c.measurement(MeasurementType.BODY_WEIGHT, time, user, List.of(),
                new MeasuredValue(Quantity.BODY_WEIGHT, w.weight(), w.weightUnit())));
        if (w.bmi() != null && w.bmi().signum() > 0) {
            out.add(c.measurement(MeasurementType.BMI, time, user, List.of(),
                    new MeasuredValue(Quantity.BMI, w.bmi(), "kg/m2")));
        }
        if (w.height() != null && w.height().signum() > 0) {
            out.add(c.measurement(MeasurementType.BODY_HEIGHT, time, user, List.of(),
                    new MeasuredValue(Quantity.BODY_HEIGHT, w.height(), w.heightUnit())));
        }
        return out;
    }

    private static List<DeviceMeasurement> glucose(GlucoseMeasurement g, Context c) throws NormalizationException {
        if (g.glucoseConcentration() == null) {
            return List.of();
        }
        if (Integer.valueOf(GLUCOSE_CONTROL_SOLUTION_TYPE).equals(g.glucoseType())
                || Integer.valueOf(GLUCOSE_CONTROL_SOLUTION_LOCATION).equals(g.sampleLocation())) {
            throw new NormalizationException("glucose record " + g.sequenceNumber()
                    + " measured control solution, not the patient");
        }
        List<String> flags = new ArrayList<>();
        if (g.sensorStatusAnnunciation() != null && g.sensorStatusAnnunciation() != 0) {
            flags.add("sensor-annunciation");
        }
        if (g.glucoseType() != null && g.glucoseType() != 1) {
            // 160184 is capillary whole blood; say so when the meter measured anything else.
            flags.add("glucose-type-" + g.glucoseType());
        }
        BigDecimal value = finite("glucose concentration", g.glucoseConcentration());
        return List.of(new DeviceMeasurement(c.device, MeasurementType.BLOOD_GLUCOSE,
                List.of(new MeasuredValue(Quantity.GLUCOSE_CAPILLARY, value, g.glucoseUnit())),
                (long) g.sequenceNumber(), g.measurementTime(), c.clockOffsetMillis, c.source, flags));
    }

    private static List<DeviceMeasurement> oximetry(MedFloat spo2, MedFloat pulseRate, Integer status,
                                                    String deviceTime, Context c) throws NormalizationException {
        int s = status == null ? 0 : status;
        if ((s & (PLX_DEMONSTRATION | PLX_TESTING)) != 0) {
            throw new NormalizationException("oximeter marks the data as demonstration or test data");
        }
        if ((s & (PLX_INVALID | PLX_UNAVAILABLE)) != 0) {
            throw new NormalizationException("oximeter marks the measurement invalid or unavailable");
        }
        List<String> flags = new ArrayList<>();
        if ((s & PLX_QUESTIONABLE) != 0) {
            flags.add("questionable");
        }
        if ((s & PLX_EARLY_ESTIMATE) != 0) {
            flags.add("early-estimate");
        }
        List<DeviceMeasurement> out = new ArrayList<>(2);
        out.add(c.measurement(MeasurementType.OXYGEN_SATURATION, deviceTime, null, flags,
                new MeasuredValue(Quantity.SPO2, finite("SpO2", spo2), "%")));
        if (pulseRate instanceof MedFloat.Finite pr) {
            out.add(c.measurement(MeasurementType.PULSE_RATE, deviceTime, null, flags,
                    new MeasuredValue(Quantity.PULSE_RATE_OXIMETER, pr.value(), "/min")));
        }
        return out;
    }

    private static BigDecimal finite(String field, MedFloat value) throws NormalizationException {
        if (value instanceof MedFloat.Finite f) {
            return f.value();
        }
        throw new NormalizationException(field + " is " + ((MedFloat.Special) value).label() + ", not a value");
    }

    /** The device's timestamp, if it is a valid date-time; otherwise the gateway's receive time will be used. */
    private static String time(GattDateTime t) {
        return t == null ? null : t.toLocalDateTime().map(x -> t.toString()).orElse(null);
    }

    private static Integer user(Integer userId) {
        return userId == null || userId == UNKNOWN_USER ? null : userId;
    }

    private record Context(DeviceIdentity device, Long clockOffsetMillis, Source source) {

        DeviceMeasurement measurement(MeasurementType type, String deviceTime, Integer user, List<String> flags,
                                      MeasuredValue... values) {
            DeviceIdentity who = user == null ? device : new DeviceIdentity(device.manufacturer(), device.model(),
                    device.serial(), device.address(), user);
            return new DeviceMeasurement(who, type, List.of(values), null, deviceTime, clockOffsetMillis, source,
                    flags);
        }
    }
}
