package io.vitalwire.sims.fleet;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sims fleet}: N simulated hubs × the scenario's devices publishing through the real contract over mutual TLS
 * to the dev stack's broker, each hub with its own certificate, until every batch has its receipt. It sends; a
 * cloud-ingest consuming from the stack's broker (the demo's, a benchmark's) takes the readings in.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Simulated hubs publishing realistic loads over mutual TLS (scenario: device-sims/scenarios/"
                + "fleet.yaml). Needs the dev stack: eval \"$(deploy/dev/stack.sh env)\".")
public final class FleetCommand implements Callable<Integer> {

    @Option(names = "--scenario", description = "the fleet scenario file (default: ${DEFAULT-VALUE})",
            defaultValue = "device-sims/scenarios/fleet.yaml")
    Path scenarioFile;

    @Option(names = {"-g", "--gateways"}, description = "hubs (default: the scenario's)")
    Integer gateways;

    @Option(names = "--compression", description = "how much faster the spot devices' day runs (default: the "
            + "scenario's)")
    Double compression;

    @Option(names = "--seconds", description = "how long the devices measure (default: ${DEFAULT-VALUE})",
            defaultValue = "60")
    int seconds;

    @Override
    public Integer call() throws Exception {
        FleetStack stack = FleetStack.fromEnvironment();
        Path file = scenarioFile.isAbsolute() || scenarioFile.toFile().isFile() ? scenarioFile
                : stack.repository().resolve(scenarioFile);
        FleetScenario scenario = FleetScenario.load(file);
        scenario = gateways == null ? scenario : scenario.withGateways(gateways);
        scenario = compression == null ? scenario : scenario.withTimeCompression(compression);
        try (Fleet fleet = new Fleet(scenario, stack, Clock.systemUTC())) {
            System.out.printf("fleet: %d hubs (%d with a wearable), tenant %s; ~%.1f spot readings/s (day %.0f× "
                    + "faster) + %d wearable readings/s%n", scenario.gateways(),
                    FleetHub.of(scenario).stream().filter(FleetHub::hasWearable).count(), scenario.tenant(),
                    scenario.spotReadingsPerSecond(), scenario.timeCompression(),
                    FleetHub.of(scenario).stream().filter(FleetHub::hasWearable).count());
            System.out.println("fleet: " + fleet.prepare(scenario.gateways()));
            fleet.publish();
            FleetLedger ledger = fleet.ledger();
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1_000);
                fleet.check();
                if (s % 10 == 0 || s == seconds) {
                    System.out.printf("fleet: %3d s: %d readings in %d messages (%d sent again), %d receipted, %d "
                            + "batches awaiting a receipt%n", s, ledger.readings(), ledger.messages(),
                            ledger.resends(), ledger.receiptedReadings(), ledger.outstandingBatches());
                }
            }
            fleet.pause();
            Duration wait = Duration.ofSeconds(scenario.receiptTimeoutSeconds() * 2);
            boolean settled = fleet.awaitReceipts(wait);
            System.out.printf("fleet: %s: %d readings sent, %d receipted, %d batches sent again, %d alerting "
                    + "readings%n", settled ? "every batch receipted" : "batches still without a receipt after "
                    + wait.toSeconds() + " s (is a cloud-ingest consuming the stack's broker?)", ledger.readings(),
                    ledger.receiptedReadings(), ledger.resends(), ledger.alerts().size());
            return settled ? 0 : 1;
        }
    }
}
