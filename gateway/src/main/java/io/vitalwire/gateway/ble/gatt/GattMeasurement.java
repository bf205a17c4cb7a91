package io.vitalwire.gateway.ble.gatt;

/**
 * A decoded health characteristic value. The records' components are the field names of the gateway's
 * {@code decode} command output, in order; absent optional fields are {@code null}.
 */
public sealed interface GattMeasurement permits HeartRateMeasurement, BloodPressureMeasurement,
        IntermediateCuffPressure, TemperatureMeasurement, WeightMeasurement, GlucoseMeasurement,
        GlucoseMeasurementContext, PlxSpotCheckMeasurement, PlxContinuousMeasurement {
}
