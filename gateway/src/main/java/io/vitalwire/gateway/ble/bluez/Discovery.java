package io.vitalwire.gateway.ble.bluez;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps BlueZ discovering while an allow-listed device is not active, and stops only its own discovery once none is
 * missing: BlueZ drops devices it has not seen advertising soon after discovery stops, and a device that is not in
 * BlueZ's tree cannot be connected.
 */
final class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final BluezClient client;
    private final BluezAdapter adapter;
    private final Candidates candidates;
    private final DeviceLinks links;
    private final BusSession bus;
    private final BleCounters counters;

    Discovery(BluezClient client, BluezAdapter adapter, Candidates candidates, DeviceLinks links, BusSession bus,
              BleCounters counters) {
        this.client = client;
        this.adapter = adapter;
        this.candidates = candidates;
        this.links = links;
        this.bus = bus;
        this.counters = counters;
    }

    /** Starts or stops discovery as the devices' states require; one step per supervision pass. */
    void keep() {
        boolean missing = candidates.anyMissing(links);
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
