package io.vitalwire.sims.bluez;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;

/**
 * One characteristic value a simulated device takes or sends, with what it means, so a test can check what
 * arrived downstream against what the device meant.
 *
 * @param uuid16     the characteristic
 * @param index      the device's measurement counter (a glucose record's sequence number is index + 1)
 * @param deviceTime the timestamp in the value, or {@code null} if the characteristic carries none
 * @param numbers    the values in the characteristic's order, in {@code unit}: 2A37 [heart rate]; 2A35 [systolic,
 *                   diastolic, mean arterial, pulse]; 2A1C [temperature]; 2A9D [weight kg, BMI, height m]; 2A18
 *                   [mg/dL]; 2A5E and 2A5F [SpO2 %, pulse rate]
 * @param unit       "mmHg" or "kPa" for 2A35, else the single unit of the numbers
 * @param stored     kept by the device until delivered (a spot measurement), or live only (a stream)
 * @param serial     the Device Information serial of the device that took it (its kind's, unless a scenario set it)
 * @param userIndex  the user index in the value (blood pressure and weight: 1-254, 255 = unknown user), else null
 */
public record SimMeasurement(SimDeviceKind kind, int uuid16, int index, LocalDateTime deviceTime,
                             List<BigDecimal> numbers, String unit, byte[] value, boolean stored, String serial,
                             Integer userIndex) {

    /** The same measurement with another value (a stored record's form). */
    SimMeasurement withValue(byte[] newValue) {
        return new SimMeasurement(kind, uuid16, index, deviceTime, numbers, unit, newValue, stored, serial,
                userIndex);
    }
}
