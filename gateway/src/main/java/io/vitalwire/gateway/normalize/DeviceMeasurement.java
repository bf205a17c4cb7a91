package io.vitalwire.gateway.normalize;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Source;
import java.util.List;

/**
 * What a device source hands to normalization: decoded values and the device's own bookkeeping, before codes, keys
 * and time are decided.
 *
 * @param deviceTime        the device's timestamp as encoded: ISO local date-time, or ISO instant ending in Z;
 *                          {@code null} if the device sent none
 * @param clockOffsetMillis device clock minus gateway clock, if measured on this connection
 */
public record DeviceMeasurement(DeviceIdentity device, MeasurementType type, List<MeasuredValue> values,
                                Long sequence, String deviceTime, Long clockOffsetMillis, Source source,
                                List<String> flags) {

    public DeviceMeasurement {
        values = List.copyOf(values);
        flags = flags == null ? List.of() : List.copyOf(flags);
    }
}
