package io.vitalwire.gateway.ble.gatt;

/**
 * The Measurement Status field of 0x2A35/0x2A36: what the cuff noticed about the measurement.
 *
 * @param raw            the field as sent, RFU bits included
 * @param pulseRateRange "inRange", "aboveUpperLimit", "belowLowerLimit" or "reserved"
 */
public record BloodPressureStatus(int raw, boolean bodyMovementDetected, boolean cuffTooLoose,
                                  boolean irregularPulseDetected, String pulseRateRange,
                                  boolean improperMeasurementPosition) {

    static BloodPressureStatus of(int raw) {
        String range = switch ((raw >> 3) & 0x03) {
            case 0 -> "inRange";
            case 1 -> "aboveUpperLimit";
            case 2 -> "belowLowerLimit";
            default -> "reserved";
        };
        return new BloodPressureStatus(raw, (raw & 0x01) != 0, (raw & 0x02) != 0, (raw & 0x04) != 0, range,
                (raw & 0x20) != 0);
    }
}
