package io.vitalwire.gateway.ble.gatt;

/**
 * Blood Pressure Measurement, 0x2A35 (Blood Pressure Service), indicated once per completed measurement.
 *
 * @param unit   "mmHg" or "kPa", for all pressures
 * @param userId the cuff's user index; 255 means "unknown user"
 */
public record BloodPressureMeasurement(String unit, MedFloat systolic, MedFloat diastolic,
                                       MedFloat meanArterialPressure, GattDateTime timestamp, MedFloat pulseRate,
                                       Integer userId, BloodPressureStatus measurementStatus)
        implements GattMeasurement {

    static final String NAME = "Blood Pressure Measurement";

    static BloodPressureMeasurement decode(byte[] value) throws GattDecodeException {
        Layout l = Layout.read(NAME, "Systolic", value);
        return new BloodPressureMeasurement(l.unit, l.first, l.diastolic, l.meanArterial, l.timestamp, l.pulseRate,
                l.userId, l.status);
    }

    /** The layout 0x2A35 and 0x2A36 share; only the first pressure's meaning differs. */
    record Layout(String unit, MedFloat first, MedFloat diastolic, MedFloat meanArterial, GattDateTime timestamp,
                  MedFloat pulseRate, Integer userId, BloodPressureStatus status) {

        static Layout read(String characteristic, String firstField, byte[] value) throws GattDecodeException {
            GattReader in = new GattReader(characteristic, value);
            int flags = in.uint8("Flags");
            String unit = (flags & 0x01) != 0 ? "kPa" : "mmHg";
            MedFloat first = in.sfloat(firstField);
            MedFloat diastolic = in.sfloat("Diastolic");
            MedFloat meanArterial = in.sfloat("Mean Arterial Pressure");
            GattDateTime timestamp = (flags & 0x02) != 0 ? in.dateTime("Time Stamp") : null;
            MedFloat pulseRate = (flags & 0x04) != 0 ? in.sfloat("Pulse Rate") : null;
            Integer userId = (flags & 0x08) != 0 ? in.uint8("User ID") : null;
            BloodPressureStatus status = (flags & 0x10) != 0
                    ? BloodPressureStatus.of(in.uint16("Measurement Status")) : null;
            return new Layout(unit, first, diastolic, meanArterial, timestamp, pulseRate, userId, status);
        }
    }
}
