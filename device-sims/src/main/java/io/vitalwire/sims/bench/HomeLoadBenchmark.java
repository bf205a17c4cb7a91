package io.vitalwire.sims.bench;

import io.vitalwire.sims.bluez.DbusDaemon;
import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.process.Repository;
import io.vitalwire.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a home's steady load costs its hub (issue 17: at most 1 % of one core averaged over the window, and the buffer
 * writing at most 1 MB a minute to the SD card): the gateway jar as installed ({@code deploy/gateway/jvm.options}),
 * six BLE devices through the simulated BlueZ on a private D-Bus — a heart-rate strap notifying at 1 Hz, and a cuff,
 * a thermometer, a scale, a glucose meter and a pulse oximeter that each measure once a round (a home measures each
 * a few times a day: once per round is more than its share) — the uplink to the dev broker, whose batches a
 * stand-in for cloud-ingest receipts at once ({@link ArrivalRecorder}), so that the buffer acknowledges and purges as
 * in a home (without receipts it would only resend). Measured from
 * {@code /proc/<pid>/stat} (user + system CPU time) and {@code /proc/<pid>/io} ({@code write_bytes}: what reached the
 * block layer, fsyncs and WAL included) over each round. <b>Baseline</b>, alternating with it in the same process: the
 * same hub with its devices connected and silent (heartbeats, BLE supervision, buffer maintenance): the floor a hub
 * pays before any reading.
 *
 * <p>Usage: {@code deploy/dev/bench.sh home [seconds per round] [rounds] [gateway property=value ...]} (defaults
 * 120, 3: 12 minutes; the properties, e.g. {@code vitalwire.gateway.intake.stream-commit-interval=0s}, to compare
 * settings).
 */
public final class HomeLoadBenchmark {

    private static final Path JAR = Repository.file("gateway/target/gateway.jar");
    private static final String GATEWAY_ID = "gw-bench-home";
    private static final Path JVM_OPTIONS = Repository.file("deploy/gateway/jvm.options");
    private static final SimDeviceKind STRAP = SimDeviceKind.HEART_RATE_STRAP;
    private static final Set<SimDeviceKind> SPOT = EnumSet.of(SimDeviceKind.BLOOD_PRESSURE_CUFF,
            SimDeviceKind.THERMOMETER, SimDeviceKind.SCALE, SimDeviceKind.GLUCOSE_METER,
            SimDeviceKind.PULSE_OXIMETER);
    /** /proc/<pid>/stat counts CPU time in clock ticks of 1/100 s on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private HomeLoadBenchmark() {
    }

    /** One round's cost: CPU as a percentage of one core, and bytes written to storage per minute. */
    record Cost(double cpuPercent, double writtenMbPerMinute, long readings) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> properties = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        Path dir = Files.createTempDirectory("vw-bench-home-");
        EnumSet<SimDeviceKind> kinds = EnumSet.copyOf(SPOT);
        kinds.add(STRAP);
        try (DbusDaemon daemon = DbusDaemon.start(dir.resolve("dbus"));
             SimulatedBluez bluez = SimulatedBluez.start(daemon.address(), ZoneId.systemDefault(), kinds);
             ArrivalRecorder cloud = new ArrivalRecorder(BenchGateway.brokerUrl(), "default", GATEWAY_ID)) {
            Process gateway = startGateway(dir, daemon.address(), kinds, properties);
            try {
                for (SimDeviceKind kind : kinds) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (!bluez.listening(kind)) {
                        if (System.nanoTime() > deadline || !gateway.isAlive()) {
                            throw new IllegalStateException(kind + " never connected; see " + dir.resolve(
                                    "gateway.log"));
                        }
                        Thread.sleep(100);
                    }
                }
                // Settle: the connections' set-up work (stored records, clocks, JIT) is not the steady load.
                Thread.sleep(20_000);
                List<Cost> home = new ArrayList<>();
                List<Cost> idle = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    Cost busy = round(gateway, bluez, seconds, true);
                    Cost quiet = round(gateway, bluez, seconds, false);
                    home.add(busy);
                    idle.add(quiet);
                    System.out.printf("round %d: home %.2f %% of a core, %.3f MB/min written (%d readings); "
                                    + "idle %.2f %%, %.3f MB/min%n", round, busy.cpuPercent(),
                            busy.writtenMbPerMinute(), busy.readings(), quiet.cpuPercent(),
                            quiet.writtenMbPerMinute());
                }
                double homeCpu = median(home.stream().mapToDouble(Cost::cpuPercent).toArray());
                double idleCpu = median(idle.stream().mapToDouble(Cost::cpuPercent).toArray());
                double homeWrites = median(home.stream().mapToDouble(Cost::writtenMbPerMinute).toArray());
                double idleWrites = median(idle.stream().mapToDouble(Cost::writtenMbPerMinute).toArray());
                System.out.printf("%nA home's steady load on its hub: 6 BLE devices (a 1 Hz strap, 5 spot devices once "
                        + "a round), %s%s, rounds of %d s, medians of %d%n", JVM_OPTIONS,
                        properties.isEmpty() ? "" : " " + properties, seconds, rounds);
                System.out.printf("  home                 CPU %5.2f %% of one core (%s)   writes %.3f MB/min (%s)%n",
                        homeCpu, range(home, Cost::cpuPercent, "%.2f"), homeWrites,
                        range(home, Cost::writtenMbPerMinute, "%.3f"));
                System.out.printf("  idle hub (baseline)  CPU %5.2f %% of one core (%s)   writes %.3f MB/min (%s)%n",
                        idleCpu, range(idle, Cost::cpuPercent, "%.2f"), idleWrites,
                        range(idle, Cost::writtenMbPerMinute, "%.3f"));
                if (cloud.distinct() == 0) {
                    throw new IllegalStateException("no reading reached the cloud side: the uplink did not work");
                }
                System.out.printf("  the cloud side received %,d readings (%,d again), each batch receipted%n",
                        cloud.distinct(), cloud.repeats());
                System.out.printf("  home / idle CPU %.2f×; targets: CPU ≤ 1 %% %s, writes ≤ 1 MB/min %s%n",
                        homeCpu / Math.max(idleCpu, 0.001), homeCpu <= 1.0 ? "met" : "NOT met",
                        homeWrites <= 1.0 ? "met" : "NOT met");
            } finally {
                gateway.destroy();
                gateway.waitFor();
            }
        }
    }

    private static Cost round(Process gateway, SimulatedBluez bluez, int seconds, boolean home) throws Exception {
        long cpuBefore = cpuTicks(gateway);
        long writtenBefore = writeBytes(gateway);
        long start = System.nanoTime();
        long readings = 0;
        List<SimDeviceKind> spot = new ArrayList<>(SPOT);
        for (int second = 0; second < seconds; second++) {
            if (home) {
                bluez.measure(STRAP);
                readings++;
                // The spot devices measure one after another, spread over the round.
                int every = Math.max(1, seconds / (spot.size() + 1));
                if (second > 0 && second % every == 0 && second / every <= spot.size()) {
                    bluez.measure(spot.get(second / every - 1));
                    readings++;
                }
            }
            long next = start + Duration.ofSeconds(second + 1).toNanos();
            Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpu = (cpuTicks(gateway) - cpuBefore) / TICKS_PER_SECOND / elapsed * 100;
        double written = (writeBytes(gateway) - writtenBefore) / 1e6 / (elapsed / 60);
        return new Cost(cpu, written, readings);
    }

    private static Process startGateway(Path dir, String busAddress, Set<SimDeviceKind> kinds,
                                        List<String> properties) throws Exception {
        int httpPort = FreePorts.tcp();
        String allowList = kinds.stream().map(SimDeviceKind::address).collect(Collectors.joining(","));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "@" + JVM_OPTIONS, "-Dvitalwire.gateway.id=" + GATEWAY_ID,
                "-Dvitalwire.gateway.data-dir=" + dir.resolve("data"), "-Dmicronaut.server.port=" + httpPort,
                "-Dvitalwire.gateway.coap.enabled=false", "-Dvitalwire.gateway.ble.enabled=true",
                "-Dvitalwire.gateway.ble.bus-address=" + busAddress, "-Dvitalwire.gateway.ble.allow-list=" + allowList,
                "-Dvitalwire.gateway.uplink.broker-url=" + BenchGateway.brokerUrl()));
        properties.forEach(p -> command.add("-D" + p));
        command.addAll(List.of("-jar", JAR.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile()).start();
        // A benchmark stopped by a signal runs no finally block: its gateway would live on and, with the same client
        // id, take the broker session from the next run's gateway every second (seen: both measured 3× the CPU).
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"UP\"")) {
                    return process;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the gateway did not become healthy; see " + dir.resolve("gateway.log"));
    }

    /** utime + stime of the process, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
    static long cpuTicks(Process process) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Bytes the process caused to be written to storage ({@code write_bytes} of /proc/<pid>/io). */
    static long writeBytes(Process process) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring("write_bytes:".length()).trim());
            }
        }
        throw new IllegalStateException("no write_bytes in /proc/<pid>/io");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String range(List<Cost> costs, java.util.function.ToDoubleFunction<Cost> value, String format) {
        double min = costs.stream().mapToDouble(value).min().orElse(0);
        double max = costs.stream().mapToDouble(value).max().orElse(0);
        return String.format(format + "–" + format, min, max);
    }
}
