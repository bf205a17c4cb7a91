package io.vitalwire.gateway.ble.gatt;

/**
 * PLX Spot-Check Measurement, 0x2A5E (Pulse Oximeter Service).
 *
 * @param spo2                  SpO2 in percent
 * @param pulseRate             pulse rate in beats per minute
 * @param measurementStatus     the 16-bit Measurement Status as sent
 * @param deviceAndSensorStatus the 24-bit Device and Sensor Status as sent
 * @param pulseAmplitudeIndex   pulse amplitude index in percent
 * @param deviceClockNotSet     the device says its clock is not set: its timestamp is not the time of day
 */
public record PlxSpotCheckMeasurement(MedFloat spo2, MedFloat pulseRate, GattDateTime timestamp,
                                      Integer measurementStatus, Integer deviceAndSensorStatus,
                                      MedFloat pulseAmplitudeIndex, boolean deviceClockNotSet)
        implements GattMeasurement {

    static final String NAME = "PLX Spot-Check Measurement";

    static PlxSpotCheckMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        MedFloat spo2 = in.sfloat("SpO2");
        MedFloat pulseRate = in.sfloat("PR");
        GattDateTime timestamp = (flags & 0x01) != 0 ? in.dateTime("Timestamp") : null;
        Integer status = (flags & 0x02) != 0 ? in.uint16("Measurement Status") : null;
        Integer sensor = (flags & 0x04) != 0 ? in.uint24("Device and Sensor Status") : null;
        MedFloat pai = (flags & 0x08) != 0 ? in.sfloat("Pulse Amplitude Index") : null;
        return new PlxSpotCheckMeasurement(spo2, pulseRate, timestamp, status, sensor, pai, (flags & 0x10) != 0);
    }
}
