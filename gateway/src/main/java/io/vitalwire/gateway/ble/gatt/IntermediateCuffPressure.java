package io.vitalwire.gateway.ble.gatt;

/**
 * Intermediate Cuff Pressure, 0x2A36: the cuff's current pressure while it inflates, for display. Same layout as
 * 0x2A35, with the current cuff pressure where the systolic value would be; diastolic and mean arterial pressure
 * are unused (devices send NaN there). Never a measurement to forward.
 */
public record IntermediateCuffPressure(String unit, MedFloat cuffPressure, MedFloat diastolic,
                                       MedFloat meanArterialPressure, GattDateTime timestamp, MedFloat pulseRate,
                                       Integer userId, BloodPressureStatus measurementStatus)
        implements GattMeasurement {

    static final String NAME = "Intermediate Cuff Pressure";

    static IntermediateCuffPressure decode(byte[] value) throws GattDecodeException {
        BloodPressureMeasurement.Layout l = BloodPressureMeasurement.Layout.read(NAME, "Current Cuff Pressure", value);
        return new IntermediateCuffPressure(l.unit(), l.first(), l.diastolic(), l.meanArterial(), l.timestamp(),
                l.pulseRate(), l.userId(), l.status());
    }
}
