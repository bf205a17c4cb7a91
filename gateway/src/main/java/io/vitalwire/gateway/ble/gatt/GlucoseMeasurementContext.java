package io.vitalwire.gateway.ble.gatt;

/**
 * Glucose Measurement Context, 0x2A34: what surrounded the glucose record with the same sequence number.
 *
 * @param carbohydrateId           1 breakfast … 7 bedtime
 * @param carbohydrateKg           carbohydrate in kilograms
 * @param meal                     1 preprandial, 2 postprandial, 3 fasting, 4 casual, 5 bedtime
 * @param tester                   1 self, 2 health care professional, 3 lab test, 15 not available
 * @param health                   1 minor health issues … 5 no health issues, 15 not available
 * @param exerciseIntensityPercent exercise intensity in percent
 * @param medicationUnit           "kg" or "L" (UCUM), when a medication amount is present
 * @param hba1cPercent             HbA1c in percent
 */
public record GlucoseMeasurementContext(int sequenceNumber, Integer extendedFlags, Integer carbohydrateId,
                                        MedFloat carbohydrateKg, Integer meal, Integer tester, Integer health,
                                        Integer exerciseDurationSeconds, Integer exerciseIntensityPercent,
                                        Integer medicationId, MedFloat medication, String medicationUnit,
                                        MedFloat hba1cPercent) implements GattMeasurement {

    static final String NAME = "Glucose Measurement Context";

    static GlucoseMeasurementContext decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        int sequence = in.uint16("Sequence Number");
        Integer extended = (flags & 0x80) != 0 ? in.uint8("Extended Flags") : null;
        Integer carbId = null;
        MedFloat carb = null;
        if ((flags & 0x01) != 0) {
            carbId = in.uint8("Carbohydrate ID");
            carb = in.sfloat("Carbohydrate");
        }
        Integer meal = (flags & 0x02) != 0 ? in.uint8("Meal") : null;
        Integer tester = null;
        Integer health = null;
        if ((flags & 0x04) != 0) {
            int testerHealth = in.uint8("Tester-Health");
            tester = testerHealth & 0x0F;
            health = testerHealth >> 4;
        }
        Integer duration = null;
        Integer intensity = null;
        if ((flags & 0x08) != 0) {
            duration = in.uint16("Exercise Duration");
            intensity = in.uint8("Exercise Intensity");
        }
        Integer medId = null;
        MedFloat medication = null;
        String medUnit = null;
        if ((flags & 0x10) != 0) {
            medId = in.uint8("Medication ID");
            medication = in.sfloat("Medication");
            medUnit = (flags & 0x20) != 0 ? "L" : "kg";
        }
        MedFloat hba1c = (flags & 0x40) != 0 ? in.sfloat("HbA1c") : null;
        return new GlucoseMeasurementContext(sequence, extended, carbId, carb, meal, tester, health, duration,
                intensity, medId, medication, medUnit, hba1c);
    }
}
