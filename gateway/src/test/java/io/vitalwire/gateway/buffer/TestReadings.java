package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Glucose readings for buffer tests: one device per serial, numbered by sequence. */
final class TestReadings {

    /** Only in payloads (never in a key): finding it in the file would mean a payload is stored in plaintext. */
    static final String MODEL = "ZEPHYR-GLUCO-MODEL-7Q";
    static final String VALUE = "123.456";

    private TestReadings() {
    }

    static Reading reading(long sequence) {
        return reading("GM-1", sequence);
    }

    static Reading reading(String serial, long sequence) {
        DeviceIdentity meter = new DeviceIdentity("Acme", MODEL, serial, null, null);
        Instant at = Instant.parse("2026-11-23T10:00:00Z").plusSeconds(sequence);
        return new Reading("gw-1/sn." + serial + "/s" + sequence + "/160184", MeasurementType.BLOOD_GLUCOSE, "160184",
                "2339-0", List.of(new ReadingValue("160184", "2339-0", new BigDecimal(VALUE), "mg/dL")), meter,
                sequence, null, at, at, null, ClockQuality.RECEIVE_TIME, new Source(Transport.COAP, "/readings"),
                List.of());
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
