package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.coap.CoapIntake;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.testing.Rounds;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.CoAP;

/**
 * Accepted readings per second through the gateway's CoAP intake over DTLS into the durable buffer, beside a
 * baseline measured in the same run: the same readings appended straight to a buffer of the same kind, one commit
 * per pack, as the intake does — so the ratio is what CoAP, DTLS, SenML parsing and normalization cost on top of
 * the store.
 *
 * <p>The gateway runs in-process (its real Micronaut context, DTLS endpoint on loopback), its uplink pointed at a
 * closed port so that draining does not compete. Devices post confirmable requests, each waiting for its answer.
 * Both paths run for {@code seconds} a round: a round of each as warm-up (the JIT, the DTLS handshakes), then
 * {@code rounds} rounds whose first path rotates ({@link Rounds}), medians with min–max; every round's readings are
 * of times of their own, so none is a known key, and the buffer must hold every reading answered 2.04.
 *
 * <p>Usage: {@code deploy/dev/bench.sh coap [devices] [readings per pack] [seconds] [rounds]} (defaults 8, 10, 10,
 * 3).
 */
public final class CoapIntakeBenchmark {

    private CoapIntakeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perPack = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory("vw-bench-coap-");

        List<HomeDeviceCredential> credentials = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            credentials.add(HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, "BENCH-" + i));
        }
        HomeDeviceCredential.writeGatewayFile(dir.resolve("coap-devices.psk"), credentials);

        try (ApplicationContext gateway = BenchGateway.start("gw-bench", dir, "tcp://127.0.0.1:1",
                Map.of("vitalwire.gateway.coap.port", 0))) {
            URI coap = URI.create("coaps://127.0.0.1:" + gateway.getBean(CoapIntake.class).port());
            AtomicLong answered = new AtomicLong();
            // Round r's readings start r + 1 years after the warm-up's: no round sends a key another one stored.
            Rounds.Path intake = round -> {
                long packs = drive(coap, credentials, perPack, seconds, round + 1);
                answered.addAndGet(packs);
                return packs * perPack / (double) seconds;
            };
            Rounds.Path straight = round -> baseline(dir.resolve("baseline-" + (round + 1) + ".db"), perPack, seconds);
            intake.rate(-1);
            straight.rate(-1);
            Rounds measured = Rounds.run(rounds, "%,10.0f readings/s", List.of(
                    new Rounds.Named("CoAP/DTLS intake", intake),
                    new Rounds.Named("the same packs appended straight to a buffer", straight)));
            long stored = gateway.getBean(ReadingBuffer.class).stats().unsent();

            System.out.printf("%nCoAP/DTLS intake: %d devices, %d readings per pack, %d s a round, medians of %d "
                    + "rounds after one of warm-up (%,d packs answered 2.04, %,d readings in the buffer)%n", devices,
                    perPack, seconds, rounds, answered.get(), stored);
            measured.printRates();
            measured.printRatio("ratio", 0, 1);
            if (stored != answered.get() * perPack) {
                throw new IllegalStateException("the buffer holds " + stored + " readings, expected "
                        + answered.get() * perPack);
            }
        }
    }

    /** Every device posts packs back to back for {@code seconds}; returns how many were answered 2.04. */
    private static long drive(URI coap, List<HomeDeviceCredential> credentials, int perPack, int seconds, int year)
            throws Exception {
        AtomicLong accepted = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(credentials.size());
        List<Future<?>> running = new ArrayList<>();
        for (HomeDeviceCredential credential : credentials) {
            running.add(pool.submit(() -> {
                try (CoapHomeDevice device = new CoapHomeDevice(credential, coap)) {
                    long baseTime = Instant.parse("2020-01-01T00:00:00Z").plus(Duration.ofDays(366L * year))
                            .getEpochSecond();
                    for (int pack = 0; System.nanoTime() < deadline; pack++) {
                        if (device.post(pack(credential.serial(), baseTime + (long) pack * perPack, perPack))
                                == CoAP.ResponseCode.CHANGED) {
                            accepted.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        pool.shutdown();
        return accepted.get();
    }

    /** Packs of already-normalized readings appended one after another for {@code seconds}, a commit each. */
    private static double baseline(Path file, int perPack, int seconds) {
        BenchReadings source = new BenchReadings("BASE");
        try (ReadingBuffer buffer = BenchBuffers.open(file)) {
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            long packs = 0;
            while (System.nanoTime() < deadline) {
                BenchBuffers.appendLive(buffer, source.range(packs * perPack, perPack));
                packs++;
            }
            return (double) packs * perPack / BufferIntakeBenchmark.seconds(start);
        }
    }

    private static String pack(String serial, long baseTime, int records) {
        StringBuilder pack = new StringBuilder("[{\"bn\":\"urn:dev:sn:").append(serial).append(":\",\"bt\":")
                .append(baseTime).append(",\"bu\":\"Cel\"}");
        for (int i = 0; i < records; i++) {
            pack.append(",{\"n\":\"body-temperature\",\"t\":").append(i).append(",\"v\":36.").append(i % 10)
                    .append('}');
        }
        return pack.append(']').toString();
    }
}
