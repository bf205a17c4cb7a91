package io.vitalwire.gateway.ble.gatt;

import java.math.BigDecimal;

/**
 * Weight Measurement, 0x2A9D (Weight Scale Service). Values are exact decimals at the resolution the specification
 * gives: weight 0.005 kg or 0.01 lb, BMI 0.1 kg/m², height 0.001 m or 0.1 in.
 *
 * @param weight                  {@code null} when the scale reports "measurement unsuccessful" (0xFFFF)
 * @param weightUnit              "kg" or "[lb_av]" (UCUM)
 * @param userId                  the scale's user index; 255 means "unknown user"
 * @param heightUnit              "m" or "[in_i]" when a height is present
 * @param measurementUnsuccessful the weight field was 0xFFFF
 */
public record WeightMeasurement(BigDecimal weight, String weightUnit, GattDateTime timestamp, Integer userId,
                                BigDecimal bmi, BigDecimal height, String heightUnit, boolean measurementUnsuccessful)
        implements GattMeasurement {

    static final String NAME = "Weight Measurement";
    private static final int UNSUCCESSFUL = 0xFFFF;
    private static final BigDecimal KG_RESOLUTION = new BigDecimal("0.005");
    private static final BigDecimal LB_RESOLUTION = new BigDecimal("0.01");
    private static final BigDecimal BMI_RESOLUTION = new BigDecimal("0.1");
    private static final BigDecimal M_RESOLUTION = new BigDecimal("0.001");
    private static final BigDecimal IN_RESOLUTION = new BigDecimal("0.1");

    static WeightMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        boolean imperial = (flags & 0x01) != 0;
        int rawWeight = in.uint16("Weight");
        GattDateTime timestamp = (flags & 0x02) != 0 ? in.dateTime("Time Stamp") : null;
        Integer userId = (flags & 0x04) != 0 ? in.uint8("User ID") : null;
        BigDecimal bmi = null;
        BigDecimal height = null;
        if ((flags & 0x08) != 0) {
            bmi = BigDecimal.valueOf(in.uint16("BMI")).multiply(BMI_RESOLUTION);
            height = BigDecimal.valueOf(in.uint16("Height")).multiply(imperial ? IN_RESOLUTION : M_RESOLUTION);
        }
        boolean unsuccessful = rawWeight == UNSUCCESSFUL;
        BigDecimal weight = unsuccessful ? null
                : BigDecimal.valueOf(rawWeight).multiply(imperial ? LB_RESOLUTION : KG_RESOLUTION);
        return new WeightMeasurement(weight, imperial ? "[lb_av]" : "kg", timestamp, userId, bmi, height,
                height == null ? null : imperial ? "[in_i]" : "m", unsuccessful);
    }
}
