package io.vitalwire.sims.bluez;

import java.nio.file.Files;
import java.time.ZoneId;

/**
 * Runs the simulated BlueZ by hand: starts a private dbus-daemon (or uses the bus given as the first argument),
 * exports the six household device kinds and lets each measure every five seconds. Point a gateway at the printed
 * address with the printed allow-list (the devices need no bonding here):
 *
 * <pre>
 * mvn -q -pl device-sims dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" io.vitalwire.sims.cli.SimsCommand bluez
 * java -Dvitalwire.gateway.id=gw-1 -Dvitalwire.gateway.ble.enabled=true \
 *      -Dvitalwire.gateway.ble.bus-address=unix:path=/tmp/vw-sim-bus-.../bus \
 *      -Dvitalwire.gateway.ble.allow-list=C0:1D:00:00:00:01,... -jar gateway/target/gateway.jar
 * </pre>
 */
public final class BluezSimulatorMain {

    private BluezSimulatorMain() {
    }

    public static void main(String[] args) throws Exception {
        DbusDaemon daemon = null;
        String address;
        if (args.length > 0) {
            address = args[0];
        } else {
            daemon = DbusDaemon.start(Files.createTempDirectory("vw-sim-bus-"));
            address = daemon.address();
            DbusDaemon started = daemon;
            // Ctrl-C ends the JVM without finally blocks: the daemon must not outlive it.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        try (SimulatedBluez bluez = SimulatedBluez.start(address, ZoneId.systemDefault(), SimDeviceKind.HOUSEHOLD)) {
            System.out.println("simulated BlueZ on " + address);
            System.out.println("allow-list: " + String.join(",", SimDeviceKind.HOUSEHOLD.stream()
                    .map(SimDeviceKind::address).toList()));
            for (int round = 0; ; round++) {
                Thread.sleep(5_000);
                for (SimDeviceKind kind : SimDeviceKind.HOUSEHOLD) {
                    bluez.measure(kind);
                }
                System.out.println("round " + round + ": " + bluez.sent().size() + " values sent");
                bluez.describe().forEach(line -> System.out.println("  " + line));
            }
        } finally {
            if (daemon != null) {
                daemon.close();
            }
        }
    }

}
