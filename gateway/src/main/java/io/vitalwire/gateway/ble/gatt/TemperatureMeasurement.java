package io.vitalwire.gateway.ble.gatt;

/**
 * Temperature Measurement, 0x2A1C (Health Thermometer Service).
 *
 * @param temperatureUnit     "Cel" or "[degF]" (UCUM)
 * @param temperatureType     the Temperature Type code (0x2A1D), when sent
 * @param temperatureTypeName its name per the specification, or "Reserved"
 */
public record TemperatureMeasurement(MedFloat temperature, String temperatureUnit, GattDateTime timestamp,
                                     Integer temperatureType, String temperatureTypeName)
        implements GattMeasurement {

    static final String NAME = "Temperature Measurement";

    private static final String[] TYPE_NAMES = {null, "Armpit", "Body (general)", "Ear (usually earlobe)", "Finger",
        "Gastro-intestinal Tract", "Mouth", "Rectum", "Toe", "Tympanum (ear drum)"};

    static TemperatureMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        MedFloat temperature = in.float32("Temperature Measurement Value");
        String unit = (flags & 0x01) != 0 ? "[degF]" : "Cel";
        GattDateTime timestamp = (flags & 0x02) != 0 ? in.dateTime("Time Stamp") : null;
        Integer type = (flags & 0x04) != 0 ? in.uint8("Temperature Type") : null;
        return new TemperatureMeasurement(temperature, unit, timestamp, type, type == null ? null : typeName(type));
    }

    static String typeName(int type) {
        return type >= 1 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "Reserved";
    }
}
