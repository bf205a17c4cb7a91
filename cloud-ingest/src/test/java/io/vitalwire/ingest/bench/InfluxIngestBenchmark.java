package io.vitalwire.ingest.bench;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.testing.TestStack;
import io.vitalwire.testing.Rounds;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Readings/s into InfluxDB through cloud-ingest's {@link InfluxSink} (the real bean, in its application context)
 * beside the floor of the same server in the same run: the same points, pre-rendered as line protocol and posted
 * to {@code /write} by a bare HTTP client, the same number of readings per request. One writer each; rounds
 * alternate between the two, each round on fresh points (new times) so that neither overwrites.
 *
 * <p>Readings: 1 Hz heart-rate streams of {@code straps} straps, each its own series (patient, device, code), one
 * value each, so points = readings. What the sink adds: building the client library's points, its line protocol
 * and its HTTP stack.
 *
 * <p>Usage: {@code deploy/dev/bench.sh ingest-influx [readings per round] [readings per write] [straps]}
 * (defaults 100000, 500, 100: 500 is the gateway uplink's batch, so one message's readings per write).
 */
public final class InfluxIngestBenchmark {

    private static final int ROUNDS = 5;

    private InfluxIngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int total = BenchStats.intArg(args, 0, 100_000);
        int batch = BenchStats.intArg(args, 1, 500);
        int straps = BenchStats.intArg(args, 2, 100);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String oursDb = "vw_bench_sink_" + run;
        String rawDb = "vw_bench_raw_" + run;
        InfluxHttp influx = new InfluxHttp(TestStack.SETTINGS.influxUrl());
        influx.query("CREATE DATABASE " + oursDb);
        influx.query("CREATE DATABASE " + rawDb);
        int seconds = total / straps;
        Instant start = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.MINUTES);
        Rounds rounds;
        try (BenchContext context = new BenchContext(Map.of("vitalwire.ingest.influx.database", oursDb))) {
            InfluxSink sink = context.bean(InfluxSink.class);
            // Warm-up of both paths (JIT, connections), a round's worth each, on times of their own: with a tenth
            // of a round, the sink's first rounds ran at half its speed, still being compiled.
            Instant warmUp = start.minus(Duration.ofDays(1));
            throughSink(sink, HeartRateStreams.readings(run, straps, warmUp, seconds), batch);
            raw(influx, rawDb, HeartRateStreams.readings(run, straps, warmUp, seconds), batch);
            // Each round on new times: neither path overwrites points.
            rounds = Rounds.run(ROUNDS, "%,10.0f readings/s",
                    round -> throughSink(sink, HeartRateStreams.readings(run, straps,
                            start.plusSeconds(2L * round * seconds), seconds), batch),
                    round -> raw(influx, rawDb, HeartRateStreams.readings(run, straps,
                            start.plusSeconds((2L * round + 1) * seconds), seconds), batch));
            long expected = (long) straps * (1L + ROUNDS) * seconds;
            requirePoints(influx, oursDb, expected);
            requirePoints(influx, rawDb, expected);
        } finally {
            influx.query("DROP DATABASE " + oursDb);
            influx.query("DROP DATABASE " + rawDb);
        }
        System.out.printf("%nInfluxDB writes, %,d readings per round (%d straps at 1 Hz), %d readings per write, "
                + "1 writer, medians of %d rounds%n", straps * seconds, straps, batch, ROUNDS);
        rounds.print("cloud-ingest InfluxSink", "raw line protocol to /write");
    }

    private static double throughSink(InfluxSink sink, List<Reading> readings, int batch) {
        List<List<InfluxSink.Owned>> writes = HeartRateStreams.slices(readings.stream()
                .map(r -> new InfluxSink.Owned(r, patientOf(r))).toList(), batch);
        long start = System.nanoTime();
        for (List<InfluxSink.Owned> write : writes) {
            sink.write(write);
        }
        return readings.size() / BenchStats.seconds(start);
    }

    private static double raw(InfluxHttp influx, String database, List<Reading> readings, int batch)
            throws Exception {
        // Rendered before the clock starts: the baseline is the server and HTTP, nothing of ours.
        List<byte[]> bodies = HeartRateStreams.slices(readings, batch).stream()
                .map(slice -> InfluxHttp.lineProtocol(slice, InfluxIngestBenchmark::patientOf)).toList();
        long start = System.nanoTime();
        for (byte[] body : bodies) {
            influx.write(database, body);
        }
        return readings.size() / BenchStats.seconds(start);
    }

    /** Each strap's patient: an opaque id, as the FHIR Patient id is. */
    private static String patientOf(Reading reading) {
        return "bench-" + reading.device().serial();
    }

    private static void requirePoints(InfluxHttp influx, String database, long expected) throws Exception {
        long stored = influx.countPoints(database, "vitals");
        if (stored != expected) {
            throw new IllegalStateException(database + " holds " + stored + " points, expected " + expected);
        }
    }
}
