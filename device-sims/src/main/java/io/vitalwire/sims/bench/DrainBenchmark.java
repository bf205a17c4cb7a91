package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.testing.Rounds;
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
 * gateway's buffer to a subscriber — counted from the gateway's start, so its start and connect are in it, as a hub
 * that comes back after a power cut pays them — and, during the drain, the latency of live readings that patients
 * take meanwhile (appended at a steady rate, from append to arrival at the subscriber). Baseline in the same rounds:
 * the same full backlog, pre-packed, published by a bare Paho client ({@link UplinkBenchmark}'s "bare packed"), i.e.
 * the broker's floor for this drain, measured on all of it rather than scaled from a part. Every round checks every
 * backlog and live reading arrived.
 *
 * <p>Usage: {@code deploy/dev/bench.sh drain [backlog] [live readings/s] [rounds]} (defaults 1000000, 20, 3). For
 * comparisons, {@code JAVA_TOOL_OPTIONS} may set {@code -Dmaintenance=} (buffer maintenance interval, default 1m) and
 * {@code -Dinflight=} (the uplink's max-inflight, default 16).
 */
public final class DrainBenchmark {

    private static final String GATEWAY_ID = "gw-bench-drain";

    private DrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int liveRate = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String broker = BenchGateway.brokerUrl();
        List<Reading> readings = new BenchReadings("BACKLOG").range(0, backlog);
        List<Double> latencies = new ArrayList<>();

        Rounds seconds = Rounds.run(rounds, "%8.1f s", List.of(
                new Rounds.Named("drain (the gateway's start and connect included)",
                        round -> drain(broker, readings, liveRate, round, latencies)),
                new Rounds.Named("bare packed floor (the same full backlog)",
                        round -> readings.size() / UplinkBenchmark.barePublisher(broker, "gw-bench-floor", readings,
                                UplinkBenchmark.BATCH))));

        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("%nDrain of %,d buffered readings after reconnect, %d live readings/s meanwhile, medians of %d "
                + "rounds%n", backlog, liveRate, rounds);
        seconds.printRates();
        seconds.printRatio("drain / floor", 0, 1);
        System.out.printf("  live latency during the drains  p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  max %.0f ms  (%d live "
                        + "readings, all rounds)%n", percentile(sorted, 0.50), percentile(sorted, 0.90),
                percentile(sorted, 0.99), sorted[sorted.length - 1], sorted.length);
    }

    /**
     * One round: the backlog into a new buffer file, then the gateway started on it; seconds from the start to the
     * last backlog reading's arrival. Live readings' latencies are added to {@code latencies}.
     */
    private static double drain(String broker, List<Reading> backlog, int liveRate, int round, List<Double> latencies)
            throws Exception {
        Path dir = Files.createTempDirectory("vw-bench-drain-");
        try (ReadingBuffer buffer = BenchBuffers.open(dir.resolve("buffer.db"))) {
            for (int i = 0; i < backlog.size(); i += 1_000) {
                BenchBuffers.appendLive(buffer, backlog.subList(i, Math.min(backlog.size(), i + 1_000)));
            }
        }
        BenchReadings liveSource = new BenchReadings("LIVE-" + round);
        List<long[]> live = new ArrayList<>(); // {sequence, append start nanos}
        AtomicLong liveSequence = new AtomicLong();
        try (ArrivalRecorder recorder = new ArrivalRecorder(broker, "default", GATEWAY_ID)) {
            long start = System.nanoTime();
            try (ApplicationContext gateway = BenchGateway.start(GATEWAY_ID, dir, broker,
                    Map.of("vitalwire.gateway.coap.enabled", false,
                            "vitalwire.gateway.buffer.maintenance-interval", System.getProperty("maintenance", "1m"),
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
                    long appended = System.nanoTime();
                    BenchBuffers.appendLive(buffer, List.of(liveSource.reading(n, Instant.now())));
                    synchronized (live) {
                        live.add(new long[] {n, appended});
                    }
                }, 0, 1_000_000 / liveRate, TimeUnit.MICROSECONDS);

                while (!backlog.stream().allMatch(r -> recorder.arrivalNanos(r.key()) != null)) {
                    if (BufferIntakeBenchmark.seconds(start) > 600) {
                        throw new IllegalStateException("backlog not drained in 10 minutes: " + recorder.distinct());
                    }
                    Thread.sleep(200);
                }
                long lastArrival = backlog.stream().mapToLong(r -> recorder.arrivalNanos(r.key())).max()
                        .orElseThrow();
                patients.shutdown();
                patients.awaitTermination(5, TimeUnit.SECONDS);

                List<long[]> sent;
                synchronized (live) {
                    sent = List.copyOf(live);
                }
                if (!recorder.awaitDistinct(backlog.size() + sent.size(), 60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("lost readings: " + recorder.distinct() + " of "
                            + (backlog.size() + sent.size()));
                }
                for (long[] s : sent) {
                    String key = liveSource.reading(s[0], Instant.now()).key();
                    latencies.add((recorder.arrivalNanos(key) - s[1]) / 1e6);
                }
                return (lastArrival - start) / 1e9;
            }
        }
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
