package io.vitalwire.ingest.bench;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.testing.GatewayReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * 1 Hz heart-rate streams (BLE 2A37 samples, keyed as the gateway keys them) from a number of straps, interleaved
 * in time order as a gateway's messages carry them: every reading of a run has its own key.
 */
final class HeartRateStreams {

    static final String GATEWAY = "gw-bench";

    private HeartRateStreams() {
    }

    /** The strap of stream {@code i} of a run. */
    static DeviceIdentity strap(String run, int i) {
        return GatewayReadings.device("HR-" + run + "-" + i);
    }

    /** {@code seconds} readings from each of straps 0 … {@code straps - 1}, one a second from {@code start}. */
    static List<Reading> readings(String run, int straps, Instant start, int seconds) {
        return readings(run, 0, straps, start, seconds);
    }

    /** {@code seconds} readings from each of straps {@code first} … {@code first + straps - 1}. */
    static List<Reading> readings(String run, int first, int straps, Instant start, int seconds) {
        List<Reading> readings = new ArrayList<>(straps * seconds);
        for (int s = 0; s < seconds; s++) {
            Instant at = start.plusSeconds(s);
            for (int i = first; i < first + straps; i++) {
                readings.add(GatewayReadings.heartRate(GATEWAY, strap(run, i), at, String.valueOf(60 + (s + i) % 40)));
            }
        }
        return readings;
    }

    /** The readings in consecutive slices of {@code size}: messages, batches or bundles. */
    static <T> List<List<T>> slices(List<T> items, int size) {
        List<List<T>> slices = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            slices.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return slices;
    }
}
