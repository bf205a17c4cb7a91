package io.vitalwire.sims.bench;

import io.vitalwire.gateway.ble.gatt.GattDecodeException;
import io.vitalwire.gateway.ble.gatt.GattMeasurement;
import io.vitalwire.gateway.ble.gatt.GattReadings;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import io.vitalwire.contract.DeviceIdentity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode throughput per health characteristic, one typical value each with its common optional fields set.
 *
 * <ul>
 *   <li>{@code baseline}: the same octets read as little-endian 16-bit words with a ByteBuffer, nothing checked —
 *       the floor of any decoder;</li>
 *   <li>{@code decode}: our spec-exact decoder (flags, every field named and bounds-checked, IEEE 11073 floats);</li>
 *   <li>{@code decodeToReadings}: decode, clinical rules and normalization into contract readings: the gateway's
 *       whole per-value cost before the buffer.</li>
 * </ul>
 * Run with {@code deploy/dev/bench.sh decode}, which prints the ratios to the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GattDecodeBenchmark {

    static final Map<String, String> SAMPLES = Map.of(
            "2A37", "1E48E80300040003",
            "2A35", "1FA0F06BF080F0E8070B170A0F004800010500",
            "2A36", "009600FF07FF07",
            "2A1C", "07D80300FFE8070B170A0F0002",
            "2A9D", "0F4C3CE8070B170A0F0003E600BE02",
            "2A18", "1B0100E8070B170A0F00F0FF5FB0110000",
            "2A34", "1F01000132E002211027500305D0",
            "2A5E", "1F61004800E8070B170A0F00800001000234F0",
            "2A5F", "1F610048006200490060004700000100000034F0");

    @Param({"2A37", "2A35", "2A36", "2A1C", "2A9D", "2A18", "2A34", "2A5E", "2A5F"})
    public String characteristic;

    private HealthCharacteristic decoder;
    private byte[] value;
    private final DeviceIdentity device = new DeviceIdentity("Bench", "B1", "SN-B", "AA:BB:CC:DD:EE:FF", null);
    private final Normalizer normalizer = new Normalizer("gw-bench", ZoneOffset.UTC);
    private final Instant receivedAt = Instant.parse("2024-11-23T10:20:00Z");

    @Setup
    public void setUp() throws GattDecodeException {
        decoder = HealthCharacteristic.of(Integer.parseInt(characteristic, 16)).orElseThrow();
        value = HexFormat.of().parseHex(SAMPLES.get(characteristic).replace(" ", ""));
        decoder.decode(value); // fail fast on a broken sample
    }

    @Benchmark
    public long baseline() {
        ByteBuffer in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        long sum = 0;
        while (in.remaining() >= 2) {
            sum += in.getShort();
        }
        return sum + (in.hasRemaining() ? in.get() : 0);
    }

    @Benchmark
    public GattMeasurement decode() throws GattDecodeException {
        return decoder.decode(value);
    }

    @Benchmark
    public void decodeToReadings(Blackhole out) throws GattDecodeException, NormalizationException {
        for (DeviceMeasurement m : GattReadings.toMeasurements(decoder, decoder.decode(value), device, null)) {
            out.consume(normalizer.normalize(m, receivedAt));
        }
    }
}
