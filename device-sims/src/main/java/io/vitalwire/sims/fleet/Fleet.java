package io.vitalwire.sims.fleet;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A simulated fleet on the dev stack, assembled in order: the hubs of a scenario, registered on the FHIR server
 * ({@link FleetRegistry}), each with its certificate and listed in the broker's ACL ({@link FleetCertificates}),
 * connected over mutual TLS ({@link FleetLinks}), publishing ({@link FleetTraffic}) and keeping account of what the
 * cloud confirmed ({@link FleetLedger}). It can grow: a benchmark steps the same fleet up.
 */
final class Fleet implements AutoCloseable {

    private final FleetScenario scenario;
    private final FleetStack stack;
    private final FleetLedger ledger = new FleetLedger();
    private final FleetCertificates certificates;
    private final FleetLinks links;
    private final FleetTraffic traffic;
    private final Runnable aclRendered;
    private List<FleetHub> hubs = List.of();

    /** On the stack's broker, which {@code stack.sh acl} makes re-read the ACL. */
    Fleet(FleetScenario scenario, FleetStack stack, Clock clock) {
        this(scenario, stack, clock, () -> { });
    }

    /**
     * @param aclRendered makes the broker the hubs use re-read the ACL, when it is not the stack's: Mosquitto checks
     *                    a publish against the ACL it read last, and drops a refused one silently (PUBACK success)
     */
    Fleet(FleetScenario scenario, FleetStack stack, Clock clock, Runnable aclRendered) {
        this.aclRendered = aclRendered;
        this.scenario = scenario;
        this.stack = stack;
        this.certificates = new FleetCertificates(stack.pki(), scenario.tenant(), stack.repository());
        this.links = new FleetLinks(stack.broker(), certificates);
        this.traffic = new FleetTraffic(scenario, links, ledger, clock, 42);
    }

    /** What getting {@code count} hubs ready took: FHIR registration, certificates, connections. */
    record Preparation(FleetRegistry.Registered registered, FleetCertificates.Issued issued, int connected,
                       double connectSeconds) {
        @Override
        public String toString() {
            return String.format("registered %d hubs (%d FHIR resources, %.0f/s) in %.1f s; issued %d certificates "
                    + "in %.1f s; connected %d hubs over mutual TLS in %.1f s", registered.hubs(),
                    registered.resources(), registered.resourcesPerSecond(), registered.seconds(), issued.count(),
                    issued.seconds(), connected, connectSeconds);
        }
    }

    /** Registers, certifies and connects the first {@code count} hubs of the scenario (those not ready yet). */
    Preparation prepare(int count) throws Exception {
        List<FleetHub> wanted = FleetHub.of(scenario.withGateways(count));
        FleetRegistry.Registered registered = new FleetRegistry(stack.fhir(), stack.stateDir(), scenario.tenant())
                .ensure(wanted);
        FleetCertificates.Issued issued = certificates.ensure(wanted);
        if (issued.aclRendered()) {
            aclRendered.run();
        }
        long start = System.nanoTime();
        int connected = links.connect(wanted, (gateway, payload) -> ledger.receipt(payload));
        hubs = wanted;
        return new Preparation(registered, issued, connected, (System.nanoTime() - start) / 1e9);
    }

    /** The prepared hubs start (or go on) publishing. */
    void publish() {
        traffic.start(hubs);
    }

    /** Devices stop measuring; what is owed a receipt is still sent again. */
    void pause() {
        traffic.pause();
    }

    /** Waits until every batch sent has its receipt; false on timeout. */
    boolean awaitReceipts(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.outstandingBatches() > 0) {
            traffic.check();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /** The share of alertable spot readings that alert, from now on. */
    void alertShare(double share) {
        traffic.alertShare(share);
    }

    /** Gives up the batches still owed a receipt (a benchmark's next series starts on a new cloud-ingest). */
    int abandonOutstanding() {
        return ledger.abandonOutstanding();
    }

    void check() {
        traffic.check();
    }

    FleetLedger ledger() {
        return ledger;
    }

    List<FleetHub> hubs() {
        return hubs;
    }

    FleetScenario scenario() {
        return scenario;
    }

    @Override
    public void close() {
        traffic.close();
        links.close();
    }
}
