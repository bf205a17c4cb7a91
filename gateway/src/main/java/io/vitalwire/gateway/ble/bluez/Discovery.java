package io.vitalwire.gateway.ble.bluez;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps BlueZ discovering while an allow-listed device is not active or an installer's scan is open, and stops only its
 * own discovery once neither holds: BlueZ drops devices it has not seen advertising soon after discovery stops, and a
 * device that is not in BlueZ's tree cannot be connected (nor paired from the installer's page).
 */
final class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final BluezClient client;
    private final BluezAdapter adapter;
    private final Candidates candidates;
    private final DeviceLinks links;
    private final BusSession bus;
    private final BleCounters counters;
    private final ScanWindow scan;
    private final Clock clock;

    Discovery(BluezClient client, BluezAdapter adapter, Candidates candidates, DeviceLinks links, BusSession bus,
              BleCounters counters, ScanWindow scan, Clock clock) {
        this.client = client;
        this.adapter = adapter;
        this.candidates = candidates;
        this.links = links;
        this.bus = bus;
        this.counters = counters;
        this.scan = scan;
        this.clock = clock;
    }

    /** Starts or stops discovery as the devices' states require; one step per supervision pass. */
    void keep() {
        boolean missing = candidates.anyMissing(links) || scan.isOpen(clock.instant());
        try {
            if (missing && !adapter.discovering()) {
                client.startDiscovery(adapter.path);
                adapter.discoveryStarted();
                counters.event("discovery-started");
            } else if (!missing && adapter.ourDiscovery()) {
                client.stopDiscovery(adapter.path);
                adapter.discoveryStopped();
                counters.event("discovery-stopped");
            }
        } catch (BluezException e) {
            if (e.kind() == BluezException.Kind.BUS_LOST) {
                bus.lost(e.getMessage());
            } else {
                LOG.info("discovery on {}: {}", adapter.path, e.getMessage());
            }
        }
    }
}
