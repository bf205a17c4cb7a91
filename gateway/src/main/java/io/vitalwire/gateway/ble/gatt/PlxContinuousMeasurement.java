package io.vitalwire.gateway.ble.gatt;

/**
 * PLX Continuous Measurement, 0x2A5F (Pulse Oximeter Service): the normal-averaged SpO2 and pulse rate, optionally
 * with fast- and slow-responding averages.
 */
public record PlxContinuousMeasurement(MedFloat spo2, MedFloat pulseRate, MedFloat spo2Fast, MedFloat pulseRateFast,
                                       MedFloat spo2Slow, MedFloat pulseRateSlow, Integer measurementStatus,
                                       Integer deviceAndSensorStatus, MedFloat pulseAmplitudeIndex)
        implements GattMeasurement {

    static final String NAME = "PLX Continuous Measurement";

    static PlxContinuousMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        MedFloat spo2 = in.sfloat("SpO2PR-Normal SpO2");
        MedFloat pulseRate = in.sfloat("SpO2PR-Normal PR");
        MedFloat spo2Fast = null;
        MedFloat prFast = null;
        if ((flags & 0x01) != 0) {
            spo2Fast = in.sfloat("SpO2PR-Fast SpO2");
            prFast = in.sfloat("SpO2PR-Fast PR");
        }
        MedFloat spo2Slow = null;
        MedFloat prSlow = null;
        if ((flags & 0x02) != 0) {
            spo2Slow = in.sfloat("SpO2PR-Slow SpO2");
            prSlow = in.sfloat("SpO2PR-Slow PR");
        }
        Integer status = (flags & 0x04) != 0 ? in.uint16("Measurement Status") : null;
        Integer sensor = (flags & 0x08) != 0 ? in.uint24("Device and Sensor Status") : null;
        MedFloat pai = (flags & 0x10) != 0 ? in.sfloat("Pulse Amplitude Index") : null;
        return new PlxContinuousMeasurement(spo2, pulseRate, spo2Fast, prFast, spo2Slow, prSlow, status, sensor, pai);
    }
}
