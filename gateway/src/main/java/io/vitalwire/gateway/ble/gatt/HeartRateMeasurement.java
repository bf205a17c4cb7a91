package io.vitalwire.gateway.ble.gatt;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Heart Rate Measurement, 0x2A37 (Heart Rate Service).
 *
 * @param sensorContactSupported the strap detects skin contact (Sensor Contact Status bits 1–2 = 2 or 3)
 * @param sensorContactDetected  whether it has contact; {@code null} when contact detection is not supported, since
 *                               then the bit means nothing: absent, never "no contact"
 * @param energyExpendedKJ      cumulative energy expended in kilojoules
 * @param rrIntervals1024       RR-intervals as sent, in units of 1/1024 s, oldest first
 * @param rrIntervalsMs         the same in milliseconds, exact
 */
public record HeartRateMeasurement(int heartRate, boolean sensorContactSupported, Boolean sensorContactDetected,
                                   Integer energyExpendedKJ, List<Integer> rrIntervals1024,
                                   List<BigDecimal> rrIntervalsMs) implements GattMeasurement {

    static final String NAME = "Heart Rate Measurement";

    static HeartRateMeasurement decode(byte[] value) throws GattDecodeException {
        GattReader in = new GattReader(NAME, value);
        int flags = in.uint8("Flags");
        int heartRate = (flags & 0x01) != 0 ? in.uint16("Heart Rate Measurement Value (uint16)")
                : in.uint8("Heart Rate Measurement Value (uint8)");
        boolean contactSupported = (flags & 0x04) != 0;
        Boolean contactDetected = contactSupported ? (flags & 0x02) != 0 : null;
        Integer energy = (flags & 0x08) != 0 ? in.uint16("Energy Expended") : null;
        List<Integer> rr = null;
        List<BigDecimal> rrMs = null;
        if ((flags & 0x10) != 0) {
            rr = new ArrayList<>();
            rrMs = new ArrayList<>();
            // One or more intervals fill the rest of the value; an odd trailing octet is not an interval.
            do {
                int interval = in.uint16("RR-Interval");
                rr.add(interval);
                rrMs.add(millis(interval));
            } while (in.remaining() >= 2);
        }
        return new HeartRateMeasurement(heartRate, contactSupported, contactDetected, energy,
                rr == null ? null : List.copyOf(rr), rrMs == null ? null : List.copyOf(rrMs));
    }

    /** interval/1024 s in ms, exactly: × 1000/1024 = × 125/128 = × 125 × 0.0078125, so no division is needed. */
    private static BigDecimal millis(int interval) {
        return BigDecimal.valueOf(interval * 125L * 78_125L, 7).stripTrailingZeros();
    }
}
