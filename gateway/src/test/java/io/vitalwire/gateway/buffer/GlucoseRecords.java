package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.testing.GatewayReadings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Glucose meter records of gateway {@code gw-1} for buffer tests ({@link GatewayReadings#storedGlucose}): one meter
 * per serial, keyed by sequence, one second apart. The model and value are the buffer's secrets.
 */
final class GlucoseRecords {

    /** Only in payloads (never in a key): finding it in the file would mean a payload is stored in plaintext. */
    static final String MODEL = "ZEPHYR-GLUCO-MODEL-7Q";
    static final String VALUE = "123.456";

    private static final Instant FIRST = Instant.parse("2026-11-23T10:00:00Z");

    private GlucoseRecords() {
    }

    static Reading reading(long sequence) {
        return reading("GM-1", sequence);
    }

    static Reading reading(String serial, long sequence) {
        DeviceIdentity meter = new DeviceIdentity("Acme", MODEL, serial, null, null);
        return GatewayReadings.storedGlucose("gw-1", meter, sequence, FIRST.plusSeconds(sequence), VALUE);
    }

    /** {@code count} readings of one device, sequences from {@code first}. */
    static List<Reading> readings(String serial, long first, int count) {
        List<Reading> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(reading(serial, first + i));
        }
        return list;
    }
}
