package io.vitalwire.sims.bench;

import io.micronaut.context.ApplicationContext;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.coap.CoapIntake;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>Usage: {@code deploy/dev/bench.sh coap [devices] [readings per pack] [seconds]} (defaults 8, 10, 10).
 */
public final class CoapIntakeBenchmark {

    private CoapIntakeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perPack = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Path dir = Files.createTempDirectory("vw-bench-coap-");

        List<HomeDeviceCredential> credentials = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            credentials.add(HomeDeviceCredential.generate(HomeDeviceKind.THERMOMETER, "BENCH-" + i));
        }
        HomeDeviceCredential.writeGatewayFile(dir.resolve("coap-devices.psk"), credentials);

        try (ApplicationContext gateway = BenchGateway.start("gw-bench", dir, "tcp://127.0.0.1:1",
                Map.of("vitalwire.gateway.coap.port", 0))) {
            URI coap = URI.create("coaps://127.0.0.1:" + gateway.getBean(CoapIntake.class).port());
            long packs = drive(coap, credentials, perPack, seconds);
            double intakeRate = packs * perPack / (double) seconds;
            long stored = gateway.getBean(ReadingBuffer.class).stats().unsent();

            double baselineRate = baseline(dir.resolve("baseline.db"), perPack, (int) Math.max(packs, 1));

            System.out.printf("%nCoAP/DTLS intake: %d devices, %d readings per pack, %d s%n", devices, perPack,
                    seconds);
            System.out.printf("  intake   %,12.0f readings/s  (%,d packs answered 2.04, %,d readings in the buffer)%n",
                    intakeRate, packs, stored);
            System.out.printf("  baseline %,12.0f readings/s  (the same packs appended straight to a buffer)%n",
                    baselineRate);
            System.out.printf("  ratio    %12.3f%n", intakeRate / baselineRate);
            if (stored != packs * perPack) {
                throw new IllegalStateException("the buffer holds " + stored + " readings, expected " + packs * perPack);
            }
        }
    }

    /** Every device posts packs back to back for {@code seconds}; returns how many were answered 2.04. */
    private static long drive(URI coap, List<HomeDeviceCredential> credentials, int perPack, int seconds)
            throws Exception {
        AtomicLong accepted = new AtomicLong();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(credentials.size());
        List<Future<?>> running = new ArrayList<>();
        for (HomeDeviceCredential credential : credentials) {
            running.add(pool.submit(() -> {
                try (CoapHomeDevice device = new CoapHomeDevice(credential, coap)) {
                    long baseTime = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
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

    private static double baseline(Path file, int perPack, int packs) {
        BenchReadings source = new BenchReadings("BASE");
        List<List<Reading>> batches = new ArrayList<>(packs);
        for (int p = 0; p < packs; p++) {
            batches.add(source.range((long) p * perPack, perPack));
        }
        try (ReadingBuffer buffer = BenchBuffers.open(file)) {
            long start = System.nanoTime();
            for (List<Reading> batch : batches) {
                BenchBuffers.appendLive(buffer, batch);
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
