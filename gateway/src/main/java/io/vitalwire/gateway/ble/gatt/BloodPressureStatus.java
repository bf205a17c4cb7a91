package io.vitalwire.gateway.ble.gatt;

/**
 * The Measurement Status field of 0x2A35/0x2A36: what the cuff noticed about the measurement.
 *
 * <p>A detection the cuff does not support is sent as a cleared bit, the same as "not detected": only the cuff's
 * Blood Pressure Feature (0x2A49), which the gateway does not read, tells them apart. So a set bit is {@code true}
 * and a cleared one is {@code null} (not detected, or not a detection this cuff makes), never {@code false}: an
 * unsupported check must not read as a passed one.
 *
 * @param raw            the field as sent, RFU bits included
 * @param pulseRateRange "aboveUpperLimit", "belowLowerLimit" or "reserved"; {@code null} for 0 ("within range" from a
 *                       cuff that detects it, nothing from one that does not)
 */
public record BloodPressureStatus(int raw, Boolean bodyMovementDetected, Boolean cuffTooLoose,
                                  Boolean irregularPulseDetected, String pulseRateRange,
                                  Boolean improperMeasurementPosition) {

    static BloodPressureStatus of(int raw) {
        String range = switch ((raw >> 3) & 0x03) {
            case 0 -> null;
            case 1 -> "aboveUpperLimit";
            case 2 -> "belowLowerLimit";
            default -> "reserved";
        };
        return new BloodPressureStatus(raw, setOrAbsent(raw, 0x01), setOrAbsent(raw, 0x02), setOrAbsent(raw, 0x04),
                range, setOrAbsent(raw, 0x20));
    }

    private static Boolean setOrAbsent(int raw, int bit) {
        return (raw & bit) != 0 ? Boolean.TRUE : null;
    }
}
