package io.vitalwire.sims.bench;

import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.CoAP;

/**
 * The gateway's footprint on a Pi-sized budget: start-up time (process start → {@code /health} answers UP) and
 * resident memory after a minute of 20 home devices posting a reading a second each over CoAP/DTLS, the uplink
 * draining to the dev broker. The gateway runs as its own JVM from {@code gateway/target/gateway.jar} with the JVM
 * options operators install ({@code deploy/gateway/jvm.options}), once without and once with the class-data sharing
 * archive that {@code deploy/gateway/appcds.sh} makes at install time. Baseline in the same run: an idle JVM with
 * the same options ({@link IdleJvm}) — what the JVM costs before any of our code, so the ratio says how much the
 * gateway adds.
 *
 * <p>Usage: {@code deploy/dev/bench.sh footprint [devices] [seconds]} (defaults 20, 60).
 */
public final class FootprintBenchmark {

    private static final Path JAR = Path.of("gateway/target/gateway.jar");
    private static final Path JVM_OPTIONS = Path.of("deploy/gateway/jvm.options");
    private static final Path APPCDS = Path.of("deploy/gateway/appcds.sh");

    private FootprintBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + JVM_OPTIONS);
        Path archive = Files.createTempDirectory("vw-bench-appcds-").resolve("gateway.jsa");
        Process training = new ProcessBuilder(APPCDS.toString(), JAR.toString(), archive.toString(),
                JVM_OPTIONS.toString()).inheritIO().start();
        if (training.waitFor() != 0) {
            throw new IllegalStateException("appcds.sh failed");
        }
        List<String> shared = new ArrayList<>(jvm);
        // on, not auto: a benchmark of class sharing must fail rather than quietly measure without it.
        shared.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));

        Sample idle = idleJvm(jvm);
        Sample plain = gateway(jvm, devices, seconds);
        Sample cds = gateway(shared, devices, seconds);

        System.out.printf("%nGateway footprint, %s, %d CoAP/DTLS devices posting 1 reading/s for %d s%n",
                JVM_OPTIONS, devices, seconds);
        print("gateway", plain);
        print("gateway + AppCDS", cds);
        System.out.printf("  %-17s ready in %,6d ms   RSS %,6d MB  (same options)%n", "idle JVM", idle.readyMillis,
                idle.rssKb / 1024);
        System.out.printf("  gateway / idle JVM: start-up %.1f×, RSS %.1f×; with AppCDS: start-up %.1f×, RSS %.1f×%n",
                (double) plain.readyMillis / idle.readyMillis, (double) plain.rssKb / idle.rssKb,
                (double) cds.readyMillis / idle.readyMillis, (double) cds.rssKb / idle.rssKb);
    }

    private static void print(String name, Sample sample) {
        System.out.printf("  %-17s ready in %,6d ms   RSS %,6d MB  (peak %,d MB; %,d readings accepted)%n", name,
                sample.readyMillis, sample.rssKb / 1024, sample.peakRssKb / 1024, sample.accepted);
    }

    private record Sample(long readyMillis, long rssKb, long peakRssKb, long accepted) {
    }

    private static Sample idleJvm(List<String> jvm) throws Exception {
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            // IdleJvm prints one line once main runs.
            process.getInputStream().read();
            long ready = (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(2_000);
            return new Sample(ready, status(process, "VmRSS"), status(process, "VmHWM"), 0);
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    private static Sample gateway(List<String> jvm, int deviceCount, int seconds) throws Exception {
        Path dir = Files.createTempDirectory("vw-bench-footprint-");
        List<HomeDeviceCredential> credentials = new ArrayList<>();
        HomeDeviceKind[] kinds = HomeDeviceKind.values();
        for (int i = 0; i < deviceCount; i++) {
            credentials.add(HomeDeviceCredential.generate(kinds[i % kinds.length], "FOOT-" + i));
        }
        HomeDeviceCredential.writeGatewayFile(dir.resolve("coap-devices.psk"), credentials);
        int coapPort = FreePorts.udp();
        int httpPort = FreePorts.tcp();
        List<String> command = new ArrayList<>(jvm);
        command.addAll(List.of("-Dvitalwire.gateway.id=gw-bench-foot", "-Dvitalwire.gateway.data-dir=" + dir,
                "-Dvitalwire.gateway.coap.port=" + coapPort, "-Dmicronaut.server.port=" + httpPort,
                "-Dvitalwire.gateway.uplink.broker-url=" + BenchGateway.brokerUrl(), "-jar", JAR.toString()));
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile()).start();
        ScheduledExecutorService homes = Executors.newScheduledThreadPool(4);
        List<CoapHomeDevice> connected = new ArrayList<>();
        try {
            long ready = awaitHealthy(process, httpPort, start);
            AtomicLong accepted = new AtomicLong();
            URI coap = URI.create("coaps://127.0.0.1:" + coapPort);
            for (HomeDeviceCredential credential : credentials) {
                CoapHomeDevice device = new CoapHomeDevice(credential, coap);
                connected.add(device);
                AtomicLong seed = new AtomicLong();
                homes.scheduleAtFixedRate(() -> {
                    try {
                        int n = (int) seed.getAndIncrement();
                        if (device.measure(Instant.now(), n) == CoAP.ResponseCode.CHANGED) {
                            accepted.incrementAndGet();
                        }
                    } catch (IOException e) {
                        System.err.println(device.serial() + ": " + e.getMessage());
                    }
                }, 0, 1, TimeUnit.SECONDS);
            }
            Thread.sleep(seconds * 1_000L);
            return new Sample(ready, status(process, "VmRSS"), status(process, "VmHWM"), accepted.get());
        } finally {
            homes.shutdownNow();
            connected.forEach(CoapHomeDevice::close);
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    private static long awaitHealthy(Process process, int port, long startNanos) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
        while (process.isAlive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    return (System.nanoTime() - startNanos) / 1_000_000;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the gateway exited with " + process.exitValue() + " before it was healthy");
    }

    /** A field of /proc/<pid>/status, in kB. */
    private static long status(Process process, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc status");
    }

    /** The baseline process: a JVM that does nothing but say it is running. */
    public static final class IdleJvm {

        private IdleJvm() {
        }

        public static void main(String[] args) throws InterruptedException {
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
