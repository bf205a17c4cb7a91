package io.vitalwire.sims.bench;

import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.process.Repository;
import io.vitalwire.testing.FreePorts;
import io.vitalwire.testing.Rounds;
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
import java.util.Arrays;
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
 * <p>Measured the careful way (issue 17): one start of each as warm-up (the jar and the JDK into the page cache),
 * then {@code rounds} rounds whose first process rotates ({@link Rounds}), medians with min–max. A single start
 * spreads ±0.3 s on this machine; only the rounds' medians judge the 1.5 s target.
 *
 * <p>Usage: {@code deploy/dev/bench.sh footprint [devices] [seconds] [rounds] [candidate.options ...]} (defaults
 * 20, 60, 3); each candidate options file adds a gateway with AppCDS and those options to the same rounds.
 */
public final class FootprintBenchmark {

    private static final Path JAR = Repository.file("gateway/target/gateway.jar");
    private static final Path INSTALLED_OPTIONS = Repository.file("deploy/gateway/jvm.options");
    private static final Path APPCDS = Repository.file("deploy/gateway/appcds.sh");

    private FootprintBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> jvm = java(INSTALLED_OPTIONS);
        List<Measured> measured = new ArrayList<>(List.of(
                new Measured("idle JVM", jvm, true),
                new Measured("gateway", jvm, false),
                new Measured("gateway + AppCDS", withArchive(INSTALLED_OPTIONS), false)));
        // Candidate options files, each a gateway with its own archive in the same rounds: a change of options is
        // judged against the installed ones alternating with it, not against a figure from another hour (±2 MB).
        for (int i = 3; i < args.length; i++) {
            Path candidate = Path.of(args[i]).toAbsolutePath();
            measured.add(new Measured("gateway + AppCDS, " + candidate.getFileName(), withArchive(candidate), false));
        }

        // One start of each as warm-up (the jar and the JDK into the page cache), not counted.
        for (Measured process : measured) {
            process.sample(devices, 5);
        }
        List<Rounds.Named> named = new ArrayList<>();
        for (Measured process : measured) {
            named.add(new Rounds.Named(process.name(), round -> process.kept(process.sample(devices, seconds))));
        }
        Rounds ready = Rounds.run(rounds, "%,6.0f ms", named);

        System.out.printf("%nGateway footprint, %s, %d CoAP/DTLS devices posting 1 reading/s for %d s, medians of %d "
                + "rounds after one start of each%n", INSTALLED_OPTIONS, devices, seconds, rounds);
        System.out.println(" ready (process start → /health UP):");
        ready.printRates();
        for (int path = 1; path < measured.size(); path++) {
            ready.printRatio(measured.get(path).name() + " / idle JVM", path, 0);
        }
        System.out.println(" resident memory after the load (idle JVM: 2 s after start):");
        for (Measured process : measured) {
            List<Sample> of = process.samples();
            System.out.printf("  %-40s RSS %s MB, peak %s MB%s%n", process.name(),
                    medianAndRange(of.stream().mapToLong(sample -> sample.rssKb / 1024).toArray()),
                    medianAndRange(of.stream().mapToLong(sample -> sample.peakRssKb / 1024).toArray()),
                    process.idle() ? "" : "; " + medianAndRange(of.stream().mapToLong(Sample::accepted).toArray())
                            + " readings accepted");
        }
    }

    private static List<String> java(Path options) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "@" + options);
    }

    /** The JVM with these options and the class-data sharing archive that appcds.sh makes with them. */
    private static List<String> withArchive(Path options) throws Exception {
        Path archive = Files.createTempDirectory("vw-bench-appcds-").resolve("gateway.jsa");
        Process training = new ProcessBuilder(APPCDS.toString(), JAR.toString(), archive.toString(),
                options.toString()).inheritIO().start();
        if (training.waitFor() != 0) {
            throw new IllegalStateException("appcds.sh failed with " + options);
        }
        List<String> shared = new ArrayList<>(java(options));
        // on, not auto: a benchmark of class sharing must fail rather than quietly measure without it.
        shared.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));
        return shared;
    }

    /** One process the rounds start: an idle JVM or a gateway under the load, and what its rounds measured. */
    private record Measured(String name, List<String> jvm, boolean idle, List<Sample> samples) {

        Measured(String name, List<String> jvm, boolean idle) {
            this(name, jvm, idle, new ArrayList<>());
        }

        Sample sample(int devices, int seconds) throws Exception {
            return idle ? idleJvm(jvm) : gateway(jvm, devices, seconds);
        }

        /** The sample's start-up time, the rate {@link Rounds} compares; the sample kept for its memory. */
        double kept(Sample sample) {
            samples.add(sample);
            return sample.readyMillis;
        }
    }

    private static String medianAndRange(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format("%,d (%,d–%,d)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
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
            Sample sample = new Sample(ready, status(process, "VmRSS"), status(process, "VmHWM"), accepted.get());
            if (sample.accepted() == 0) {
                throw new IllegalStateException("the gateway accepted no reading in " + seconds + " s: the memory "
                        + "measured is not of a gateway at work; see " + dir.resolve("gateway.log"));
            }
            return sample;
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
