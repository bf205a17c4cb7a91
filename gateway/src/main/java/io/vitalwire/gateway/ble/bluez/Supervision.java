package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.privacy.DeviceAliases;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic pass on the loop: reopens the bus when its retry is due, gives up on links whose services did not
 * resolve in time, keeps discovery running while a device is missing, and connects the links that are due.
 */
final class Supervision {

    private static final Logger LOG = LoggerFactory.getLogger(Supervision.class);

    private final BusSession bus;
    private final BluezClient client;
    private final BluezAdapter adapter;
    private final DeviceLinks links;
    private final Candidates candidates;
    private final Discovery discovery;
    private final LinkSteps steps;
    private final EventDispatch dispatch;
    private final Clock clock;
    private final DeviceAliases aliases;

    Supervision(BusSession bus, BluezClient client, BluezAdapter adapter, DeviceLinks links, Candidates candidates,
                Discovery discovery, LinkSteps steps, EventDispatch dispatch, Clock clock, DeviceAliases aliases) {
        this.bus = bus;
        this.client = client;
        this.adapter = adapter;
        this.links = links;
        this.candidates = candidates;
        this.discovery = discovery;
        this.steps = steps;
        this.dispatch = dispatch;
        this.clock = clock;
        this.aliases = aliases;
    }

    /** Connects to the bus (if not connected): BlueZ's objects and then its signals go to the dispatch. */
    void openBus() {
        bus.open(dispatch::added, dispatch::handle);
    }

    void pass() {
        try {
            Instant now = clock.instant();
            if (!bus.isOpen()) {
                if (bus.isDue(now)) {
                    openBus();
                }
                return;
            }
            if (!client.isOpen()) {
                bus.lost("connection closed");
                return;
            }
            for (DeviceLink link : links.all()) {
                if (link.isResolveOverdue(now)) {
                    steps.servicesTimedOut(link, now);
                }
            }
            if (adapter.isUsable()) {
                discovery.keep();
                for (DeviceLink link : links.all()) {
                    if (bus.isOpen() && links.isCurrent(link) && link.isDue(now)
                            && candidates.isCandidate(link)) {
                        steps.connect(link);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Whatever failed may quote a device address or object path.
            LOG.error("BLE supervision failed", aliases.scrub(e));
        }
    }
}
