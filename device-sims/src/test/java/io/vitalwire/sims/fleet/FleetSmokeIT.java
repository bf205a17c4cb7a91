package io.vitalwire.sims.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet simulator end to end, small: 20 hubs × the scenario's 6 devices (one hub with a 1 Hz strap), each hub
 * over mutual TLS with its own certificate from the dev stack's CA, publishing for 20 s into one cloud-ingest replica
 * (the jar) on a broker of the test's own; then every reading sent must be in cloud-ingest's inbox exactly once,
 * resolved to its patient and written to InfluxDB and FHIR, every batch receipted, nothing quarantined. The spot
 * devices' day runs 3,600 times faster (a cuff every 12 s), ~10 spot readings/s.
 */
class FleetSmokeIT {

    private static final int HUBS = 20;
    private static final Duration PUBLISHING = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(40);

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void twentyHubs_everyReadingDeliveredOnce() throws Exception {
        FleetStack stack = FleetStack.fromEnvironment();
        FleetScenario scenario = FleetScenario.load(stack.repository().resolve("device-sims/scenarios/fleet.yaml"))
                .withTenant("fleetsmoke").withGateways(HUBS).withTimeCompression(3600);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (FleetBroker broker = FleetBroker.start(stack.pki(), dir);
             Fleet fleet = new Fleet(scenario, stack.withBroker(broker.url()), Clock.systemUTC(),
                     broker::reloadAcl)) {
            fleet.prepare(HUBS);
            // Its log beside the other end-to-end tests' (SuiteLogsIT reads them for identifiers).
            try (FleetIngest ingest = FleetIngest.start(1, run, stack.withBroker(broker.url()),
                    Path.of("target", "e2e-logs", "fleet-smoke"), Map.of())) {
                fleet.publish();
                Thread.sleep(PUBLISHING.toMillis());
                fleet.pause();
                FleetLedger ledger = fleet.ledger();
                assertThat(fleet.awaitReceipts(SETTLE)).as("every batch receipted: %d readings sent, %d receipted, "
                        + "%d batches outstanding, %d stray receipts", ledger.readings(), ledger.receiptedReadings(),
                        ledger.outstandingBatches(), ledger.strayReceipts()).isTrue();
                assertThat(ledger.readings()).as("readings sent").isGreaterThan(150);
                assertThat(fleet.hubs().stream().filter(FleetHub::hasWearable).count()).isEqualTo(1);
                FleetDelivery delivery = awaitDelivered(ingest, ledger, scenario.tenant() + "-gw-");
                assertThat(delivery.complete()).as(delivery.toString()).isTrue();
                assertThat(ledger.strayReceipts()).isZero();
            }
        }
    }

    /** The sinks follow the inbox: waits until every reading reached them, or the settle time is over. */
    private static FleetDelivery awaitDelivered(FleetIngest ingest, FleetLedger ledger, String prefix)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        try (Connection sql = ingest.sql()) {
            FleetDelivery delivery = FleetDelivery.of(sql, ledger.keys(), prefix);
            while (!delivery.complete() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                delivery = FleetDelivery.of(sql, ledger.keys(), prefix);
            }
            return delivery;
        }
    }
}
