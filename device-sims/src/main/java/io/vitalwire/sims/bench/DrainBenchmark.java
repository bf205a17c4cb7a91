package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A week offline, then the link returns: the time to drain a large backlog (default 1,000,000 readings) from the
 * gateway's buffer to a subscriber, and, during the drain, the latency of live readings that patients take meanwhile
 * (appended at a steady rate, from append to arrival at the subscriber). Baseline in the same run: the same number
 * of readings, pre-packed, published by a bare Paho client ({@link UplinkBenchmark}'s "bare packed"), i.e. the
 * broker's floor for this drain.
 *
 * <p>Usage: {@code deploy/dev/bench.sh drain [backlog] [live readings/s]} (defaults 1000000, 20). For comparisons,
 * {@code JAVA_TOOL_OPTIONS} may set {@code -Dmaintenance=} (buffer maintenance interval, default 1m) and
 * {@code -Dinflight=} (the uplink's max-inflight, default 16).
 */
public final class DrainBenchmark {

    private DrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int liveRate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String broker = BenchGateway.brokerUrl();
        String gatewayId = "gw-bench-drain";
        Path dir = Files.createTempDirectory("vw-bench-drain-");

        long fillStart = System.nanoTime();
        BenchReadings backlogSource = new BenchReadings("BACKLOG");
        try (ReadingBuffer buffer = BenchBuffers.open(dir.resolve("buffer.db"))) {
            for (int i = 0; i < backlog; i += 1_000) {
                BenchBuffers.appendLive(buffer, backlogSource.range(i, Math.min(1_000, backlog - i)));
            }
        }
        System.out.printf("backlog of %,d readings buffered in %.1f s%n", backlog,
                BufferIntakeBenchmark.seconds(fillStart));

        BenchReadings liveSource = new BenchReadings("LIVE");
        List<long[]> live = new ArrayList<>(); // {sequence, append start nanos}
        AtomicLong liveSequence = new AtomicLong();
        double drainSeconds;
        try (ArrivalRecorder recorder = new ArrivalRecorder(broker, "default", gatewayId);
             ApplicationContext gateway = BenchGateway.start(gatewayId, dir, broker,
                     Map.of("vitalwire.gateway.coap.enabled", false,
                             "vitalwire.gateway.buffer.maintenance-interval",
                             System.getProperty("maintenance", "1m"),
                             "vitalwire.gateway.uplink.session-expiry", "0s",
                             "vitalwire.gateway.uplink.max-inflight", System.getProperty("inflight", "16")))) {
            ReadingBuffer buffer = gateway.getBean(ReadingBuffer.class);
            // Live means taken after the link came back: a reading taken while offline is backlog, rightly.
            if (!recorder.awaitDistinct(1, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the uplink did not start draining within a minute");
            }
            ScheduledExecutorService patients = Executors.newSingleThreadScheduledExecutor();
            patients.scheduleAtFixedRate(() -> {
                long n = liveSequence.getAndIncrement();
                long start = System.nanoTime();
                BenchBuffers.appendLive(buffer, List.of(liveSource.reading(n, Instant.now())));
                synchronized (live) {
                    live.add(new long[] {n, start});
                }
            }, 0, 1_000_000 / liveRate, TimeUnit.MICROSECONDS);

            long start = System.nanoTime();
            List<String> backlogKeys = new ArrayList<>(backlog);
            for (int i = 0; i < backlog; i += 10_000) {
                backlogSource.range(i, Math.min(10_000, backlog - i)).forEach(r -> backlogKeys.add(r.key()));
            }
            while (!backlogKeys.stream().allMatch(k -> recorder.arrivalNanos(k) != null)) {
                if (BufferIntakeBenchmark.seconds(start) > 600) {
                    throw new IllegalStateException("backlog not drained in 10 minutes: " + recorder.distinct());
                }
                Thread.sleep(200);
            }
            long firstArrival = backlogKeys.stream().mapToLong(recorder::arrivalNanos).min().orElseThrow();
            long lastArrival = backlogKeys.stream().mapToLong(recorder::arrivalNanos).max().orElseThrow();
            drainSeconds = (lastArrival - firstArrival) / 1e9;
            patients.shutdown();
            patients.awaitTermination(5, TimeUnit.SECONDS);

            List<long[]> sent;
            synchronized (live) {
                sent = List.copyOf(live);
            }
            List<Reading> liveReadings = new ArrayList<>();
            for (long[] s : sent) {
                liveReadings.add(liveSource.reading(s[0], Instant.now()));
            }
            if (!recorder.awaitDistinct(backlog + sent.size(), 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("lost readings: " + recorder.distinct() + " of " + (backlog
                        + sent.size()));
            }
            double[] latencies = new double[sent.size()];
            for (int i = 0; i < sent.size(); i++) {
                latencies[i] = (recorder.arrivalNanos(liveReadings.get(i).key()) - sent.get(i)[1]) / 1e6;
            }
            Arrays.sort(latencies);
            double floor = UplinkBenchmark.barePublisher(broker, "gw-bench-floor",
                    backlogSource.range(0, Math.min(backlog, 200_000)), UplinkBenchmark.BATCH);

            System.out.printf("%nDrain of %,d buffered readings after reconnect, %d live readings/s meanwhile%n",
                    backlog, liveRate);
            System.out.printf("  drain time                 %8.1f s   (%,.0f readings/s; %,d repeats at the subscriber)%n",
                    drainSeconds, backlog / drainSeconds, recorder.repeats());
            System.out.printf("  bare packed floor          %8.1f s   (%,.0f readings/s, same broker, same run)   "
                    + "drain / floor %.2f%n", backlog / floor, floor, drainSeconds / (backlog / floor));
            System.out.printf("  live latency during drain  p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms  (%d live "
                            + "readings)%n", percentile(latencies, 0.50), percentile(latencies, 0.90),
                    percentile(latencies, 0.99), latencies[latencies.length - 1],
                    latencies.length);
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
