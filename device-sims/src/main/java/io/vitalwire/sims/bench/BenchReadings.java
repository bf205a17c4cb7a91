package io.vitalwire.sims.bench;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.MeasuredValue;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.gateway.normalize.Quantity;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Already-normalized thermometer readings for benchmarks that start at the buffer: each has its own idempotency key
 * (device time one second apart) and the size of a real reading on the wire.
 */
final class BenchReadings {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final Normalizer normalizer = new Normalizer("gw-bench", ZoneOffset.UTC);
    private final DeviceIdentity device;

    BenchReadings(String serial) {
        this.device = new DeviceIdentity(null, null, serial, null, null);
    }

    /** Readings number {@code first} … {@code first + count - 1} of this device. */
    List<Reading> range(long first, int count) {
        Instant received = Instant.now();
        List<Reading> readings = new ArrayList<>(count);
        for (long n = first; n < first + count; n++) {
            readings.add(reading(n, received));
        }
        return readings;
    }

    Reading reading(long n, Instant received) {
        try {
            return normalizer.normalize(new DeviceMeasurement(device, MeasurementType.BODY_TEMPERATURE,
                List.of(new MeasuredValue(Quantity.BODY_TEMPERATURE, new BigDecimal("36." + n % 10), "Cel")), null,
                EPOCH.plusSeconds(n).toString(), null, new Source(Transport.COAP, "/readings"), List.of()), received);
        } catch (NormalizationException e) {
            throw new IllegalStateException("a benchmark reading does not normalize", e);
        }
    }
}
