package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.privacy.DeviceAliases;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each BlueZ signal, in bus order on the loop, to what it changes: the adapter, the device links and their
 * characteristics, a value for the intake, a stored-records response or a battery level, the bus session. Loop
 * thread only.
 */
final class EventDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(EventDispatch.class);

    private final BluezAdapter adapter;
    private final DeviceLinks links;
    private final Candidates candidates;
    private final LinkSteps steps;
    private final StoredRecordTransfers transfers;
    private final ValueDelivery delivery;
    private final DeviceReports reports;
    private final BusSession bus;
    private final BleCounters counters;
    private final Clock clock;
    private final DeviceAliases aliases;

    EventDispatch(BluezAdapter adapter, DeviceLinks links, Candidates candidates, LinkSteps steps, StoredRecordTransfers transfers,
                  ValueDelivery delivery, DeviceReports reports, BusSession bus, BleCounters counters, Clock clock,
                  DeviceAliases aliases) {
        this.adapter = adapter;
        this.links = links;
        this.candidates = candidates;
        this.steps = steps;
        this.transfers = transfers;
        this.delivery = delivery;
        this.reports = reports;
        this.bus = bus;
        this.counters = counters;
        this.clock = clock;
        this.aliases = aliases;
    }

    /** One signal; a failure is logged and the next signal is handled as usual. */
    void handle(BluezEvent event) {
        try {
            if (event instanceof BluezEvent.ObjectAdded added) {
                added(added.object());
            } else if (event instanceof BluezEvent.ObjectRemoved removed) {
                removed(removed.path());
            } else if (event instanceof BluezEvent.AdapterChanged changed) {
                adapterChanged(changed);
            } else if (event instanceof BluezEvent.DeviceChanged changed) {
                deviceChanged(changed);
            } else if (event instanceof BluezEvent.ValueChanged value) {
                valueChanged(value.characteristicPath(), value.value());
            } else if (event instanceof BluezEvent.BusLost lost) {
                bus.lost(lost.reason());
            }
        } catch (RuntimeException e) {
            // Whatever failed may quote a device address or object path.
            LOG.error("BLE event handling failed", aliases.scrub(e));
        }
    }

    /** An object of a snapshot or of InterfacesAdded; only the configured adapter's devices are followed. */
    void added(BluezObject object) {
        if (object instanceof BluezObject.Adapter a) {
            adapter.seen(a);
        } else if (object instanceof BluezObject.Device d) {
            if (d.adapterPath().equals(adapter.path)) {
                candidates.seen(links.addDevice(d));
            }
        } else if (object instanceof BluezObject.Characteristic c) {
            links.addCharacteristic(c);
        }
    }

    private void removed(String path) {
        DeviceLink link = links.removeDevice(path);
        if (link != null) {
            counters.event("device-removed");
            LOG.info("device {} was removed by BlueZ; forgetting its objects until it is rediscovered",
                    link.alias);
            transfers.abandon(link);
            return;
        }
        if (links.removeCharacteristic(path)) {
            return;
        }
        if (path.equals(adapter.path)) {
            LOG.warn("adapter {} was removed", path);
            links.clear();
            adapter.forget();
        }
    }

    private void adapterChanged(BluezEvent.AdapterChanged changed) {
        if (!adapter.changed(changed)) {
            return;
        }
        boolean powered = adapter.powered();
        counters.event(powered ? "adapter-on" : "adapter-off");
        LOG.info("adapter {} powered {}", adapter.path, powered ? "on" : "off");
        Instant now = clock.instant();
        for (DeviceLink link : links.all()) {
            if (powered) {
                link.retryNow(now);
            } else {
                link.poweredOff(now);
            }
        }
    }

    private void deviceChanged(BluezEvent.DeviceChanged changed) {
        DeviceLink link = links.device(changed.path());
        if (link == null) {
            return;
        }
        link.observe(changed.connected(), changed.servicesResolved(), changed.paired());
        if (Boolean.FALSE.equals(changed.connected()) && link.isUp()) {
            steps.disconnected(link);
            return;
        }
        if (link.isReadyForSetup()) {
            steps.setUp(link);
        }
    }

    private void valueChanged(String characteristicPath, byte[] value) {
        DeviceLink known = links.ownerOf(characteristicPath);
        DeviceLink link = known != null ? known : steps.learn(characteristicPath);
        if (link == null || link.entry == null || link.state() == LinkState.DENIED) {
            return;
        }
        int uuid16 = link.characteristics.getOrDefault(characteristicPath, -1);
        if (uuid16 == WellKnownUuids.RECORD_ACCESS_CONTROL_POINT) {
            transfers.response(link, value);
            return;
        }
        if (uuid16 == WellKnownUuids.BATTERY_LEVEL) {
            reports.battery(link, value);
            return;
        }
        Optional<HealthCharacteristic> characteristic = HealthCharacteristic.of(uuid16);
        characteristic.ifPresent(c -> delivery.arrived(link, c, value));
    }
}
