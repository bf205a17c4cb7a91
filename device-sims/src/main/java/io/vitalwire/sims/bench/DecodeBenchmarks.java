package io.vitalwire.sims.bench;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link GattDecodeBenchmark} and prints, per characteristic, the throughput of the decoder and of the whole
 * decode-to-readings path beside the raw-read baseline of the same run, as ratios: absolute numbers on a shared
 * machine drift, ratios hold.
 */
public final class DecodeBenchmarks {

    private DecodeBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(GattDecodeBenchmark.class.getSimpleName())
                // Three forks: a JVM's JIT decisions differ from one run to the next, and one fork's figure carries
                // that run's luck; the error printed is JMH's 99.9 % interval over every fork's iterations.
                .forks(3)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, Map<String, Double>> byCharacteristic = new TreeMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            String characteristic = r.getParams().getParam("characteristic");
            byCharacteristic.computeIfAbsent(characteristic, k -> new TreeMap<>())
                    .put(method, r.getPrimaryResult().getScore());
            byCharacteristic.get(characteristic).put(method + "Error", r.getPrimaryResult().getScoreError());
        }
        System.out.println();
        System.out.printf("%-6s %14s %14s %18s %10s %10s %9s%n", "char", "baseline op/s", "decode op/s",
                "decode→reading op/s", "decode/bl", "reading/bl", "decode ±");
        for (var e : byCharacteristic.entrySet()) {
            double baseline = e.getValue().get("baseline");
            double decode = e.getValue().get("decode");
            double readings = e.getValue().get("decodeToReadings");
            System.out.printf("%-6s %,14.0f %,14.0f %,18.0f %10.3f %10.3f %8.1f%%%n", e.getKey(), baseline, decode,
                    readings, decode / baseline, readings / baseline, 100 * e.getValue().get("decodeError") / decode);
        }
    }
}
