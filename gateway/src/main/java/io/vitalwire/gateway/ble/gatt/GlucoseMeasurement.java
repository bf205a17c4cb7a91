package io.vitalwire.gateway.ble.gatt;

import java.time.LocalDateTime;

/**
 * Glucose Measurement, 0x2A18 (Glucose Service): one stored record of the meter, numbered by its sequence number.
 *
 * @param timeOffsetMinutes         signed offset from the base time, when sent
 * @param measurementTime           base time plus offset, {@code yyyy-MM-ddTHH:mm:ss}; {@code null} if the base
 *                                  time is not a valid date-time
 * @param glucoseUnit               "kg/L" or "mol/L" (UCUM), when a concentration is present
 * @param glucoseType               the Type nibble code (1 capillary whole blood … 10 control solution)
 * @param sampleLocation            the Sample Location nibble code (1 finger … 15 not available)
 * @param sensorStatusAnnunciation  the annunciation bits as sent
 * @param contextInformationFollows a Glucose Measurement Context (0x2A34) with the same sequence number follows
 */
public record GlucoseMeasurement(int sequenceNumber, GattDateTime baseTime, Integer timeOffsetMinutes,
                                 String measurementTime, MedFloat glucoseConcentration, String glucoseUnit,
                                 Integer glucoseType, Integer sampleLocation, Integer sensorStatusAnnunciation,
                                 boolean contextInformationFollows) implements GattMeasurement {

    static final String NAME = "Glucose Measurement";

    static GlucoseMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        int sequence = in.uint16("Sequence Number");
        GattDateTime baseTime = in.dateTime("Base Time");
        Integer offset = (flags & 0x01) != 0 ? in.sint16("Time Offset") : null;
        MedFloat concentration = null;
        String unit = null;
        Integer type = null;
        Integer location = null;
        if ((flags & 0x02) != 0) {
            concentration = in.sfloat("Glucose Concentration");
            unit = (flags & 0x04) != 0 ? "mol/L" : "kg/L";
            int typeAndLocation = in.uint8("Type-Sample Location");
            type = typeAndLocation & 0x0F;
            location = typeAndLocation >> 4;
        }
        Integer annunciation = (flags & 0x08) != 0 ? in.uint16("Sensor Status Annunciation") : null;
        String measured = baseTime.toLocalDateTime()
                .map(t -> t.plusMinutes(offset == null ? 0 : offset))
                .map(GlucoseMeasurement::format)
                .orElse(null);
        return new GlucoseMeasurement(sequence, baseTime, offset, measured, concentration, unit, type, location,
                annunciation, (flags & 0x10) != 0);
    }

    private static String format(LocalDateTime t) {
        return new GattDateTime(t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
                t.getSecond()).toString();
    }
}
