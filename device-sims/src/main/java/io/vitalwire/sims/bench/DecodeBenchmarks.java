package io.vitalwire.sims.bench;

import java.util.Collection;
import java.util.List;
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
 *
 * <p>Usage: {@code deploy/dev/bench.sh decode [forks] [ms per iteration]} (defaults 3, 1000). Fails if a
 * characteristic's sample did not decode on every path (JMH then reports no result for it).
 */
public final class DecodeBenchmarks {

    private DecodeBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        int forks = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        TimeValue iteration = TimeValue.milliseconds(args.length > 1 ? Long.parseLong(args[1]) : 1000);
        Options options = new OptionsBuilder()
                .include(GattDecodeBenchmark.class.getSimpleName())
                // Three forks: a JVM's JIT decisions differ from one run to the next, and one fork's figure carries
                // that run's luck; the error printed is JMH's 99.9 % interval over every fork's iterations.
                .forks(forks)
                .warmupIterations(2)
                .warmupTime(iteration)
                .measurementIterations(3)
                .measurementTime(iteration)
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
        List<String> methods = List.of("baseline", "decode", "decodeToReadings");
        for (String characteristic : GattDecodeBenchmark.SAMPLES.keySet()) {
            Map<String, Double> scores = byCharacteristic.getOrDefault(characteristic, Map.of());
            if (!methods.stream().allMatch(method -> scores.getOrDefault(method, 0.0) > 0)) {
                throw new IllegalStateException(characteristic + " has no result on every path: " + scores);
            }
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
