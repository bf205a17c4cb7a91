package io.vitalwire.contract;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Well-formed messages for tests: a blood-pressure reading as a cuff's record would produce it. */
final class Samples {

    static final Instant RECEIVED = Instant.parse("2026-11-23T10:15:30.250Z");

    private Samples() {
    }

    static Reading bloodPressure() {
        return bloodPressure(Instant.parse("2026-11-23T10:14:58Z"));
    }

    /** The cuff's record measured at {@code measuredAt} (device time one hour ahead, as a CET cuff keeps it). */
    static Reading bloodPressure(Instant measuredAt) {
        DeviceIdentity cuff = new DeviceIdentity("Acme", "BP-1", "SN0001", "AA:BB:CC:DD:EE:01", 1);
        String deviceTime = measuredAt.plusSeconds(3_602).toString().substring(0, 19);
        return new Reading(
                ReadingKey.of("gw-1", cuff, null, deviceTime, RECEIVED, "150020"),
                MeasurementType.BLOOD_PRESSURE, "150020", "85354-9",
                List.of(new ReadingValue("150021", "8480-6", new BigDecimal("128.0"), "mm[Hg]"),
                        new ReadingValue("150022", "8462-4", new BigDecimal("84"), "mm[Hg]"),
                        new ReadingValue("150023", "8478-0", new BigDecimal("98.7"), "mm[Hg]")),
                cuff, null, deviceTime, measuredAt, RECEIVED, 3_600_000L + 2_000L,
                ClockQuality.CORRECTED, new Source(Transport.BLE, "2A35"), List.of("irregular-pulse"));
    }

    static ReadingBatch batch(Reading... readings) {
        return ReadingBatch.of("gw-1", RECEIVED.plusSeconds(1), List.of(readings));
    }
}
