package io.vitalwire.gateway.ble.bluez;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installer's side of bonding: finds the health device the page named among the links and bonds with it through
 * the gateway's agent, which answers BlueZ with the passkey the installer typed, for that device only. A device no
 * allow-list entry names is disconnected again once bonded: pairing makes it trustworthy, the cloud's allow-list
 * makes it served. Loop thread only.
 */
final class InstallerPairing {

    private static final Logger LOG = LoggerFactory.getLogger(InstallerPairing.class);

    /** The health services (16-bit UUIDs) a device must offer to be listed, and what the page calls each. */
    private static final Map<Integer, String> HEALTH_SERVICES = Map.of(
            0x180D, "heart-rate",
            0x1810, "blood-pressure",
            0x1809, "thermometer",
            0x181D, "weight-scale",
            0x1808, "glucose-meter",
            0x1822, "pulse-oximeter");

    private final BluezClient client;
    private final DeviceLinks links;
    private final DeviceReports reports;
    private final BusSession bus;
    private final BleCounters counters;

    InstallerPairing(BluezClient client, DeviceLinks links, DeviceReports reports, BusSession bus,
                     BleCounters counters) {
        this.client = client;
        this.links = links;
        this.reports = reports;
        this.bus = bus;
        this.counters = counters;
    }

    /** The health devices among the links, assigned ones first, then by name. */
    List<NearbyDevice> nearby() {
        List<NearbyDevice> devices = new ArrayList<>();
        for (DeviceLink link : links.all()) {
            kind(link).ifPresent(kind -> devices.add(new NearbyDevice(link.address, link.name, kind, link.paired(),
                    link.entry != null, link.isActive(), link.batteryPercent(), link.lastValueAt())));
        }
        devices.sort(Comparator.comparing((NearbyDevice d) -> !d.assigned())
                .thenComparing(d -> d.name() == null ? "" : d.name()).thenComparing(NearbyDevice::address));
        return devices;
    }

    PairingOutcome pair(String address, Integer passkey) {
        DeviceLink link = find(address);
        if (link == null) {
            return PairingOutcome.NOT_FOUND;
        }
        if (link.paired()) {
            return PairingOutcome.ALREADY_PAIRED;
        }
        Bonding bonding = passkey == null ? new Bonding.JustWorks() : new Bonding.Passkey(passkey);
        counters.event("pairing");
        try {
            client.pair(link.path, bonding);
        } catch (BluezException e) {
            return switch (e.kind()) {
                case BUS_LOST -> {
                    bus.lost(e.getMessage());
                    yield PairingOutcome.FAILED;
                }
                case OBJECT_GONE -> PairingOutcome.NOT_FOUND;
                case AUTHENTICATION_FAILED, NOT_AUTHORIZED -> {
                    counters.event("pairing-failed");
                    LOG.info("device {}: the installer's bonding was refused ({})", link.alias, e.getMessage());
                    disconnectUnlisted(link);
                    yield PairingOutcome.REJECTED;
                }
                case FAILED -> {
                    counters.event("pairing-failed");
                    LOG.info("device {}: the installer's bonding failed ({})", link.alias, e.getMessage());
                    disconnectUnlisted(link);
                    yield PairingOutcome.REJECTED;
                }
            };
        }
        link.bonded();
        counters.event("paired");
        reports.paired(link);
        LOG.info("device {} bonded from the installer's page{}", link.alias,
                link.entry == null ? "; not served until the allow-list names it" : "");
        disconnectUnlisted(link);
        return PairingOutcome.PAIRED;
    }

    private DeviceLink find(String address) {
        String wanted = address.toUpperCase(Locale.ROOT);
        return links.all().stream().filter(l -> l.address.equals(wanted) && kind(l).isPresent()).findFirst()
                .orElse(null);
    }

    /** Pair() leaves the device connected; one that is not the hub's must not stay so. */
    private void disconnectUnlisted(DeviceLink link) {
        if (link.entry != null) {
            return;
        }
        try {
            client.disconnect(link.path);
        } catch (BluezException e) {
            LOG.debug("disconnecting {}: {}", link.alias, e.getMessage());
        }
    }

    /** What the device measures, by the first health service it offers; empty: not a health device. */
    static Optional<String> kind(DeviceLink link) {
        return link.serviceUuids16.stream().filter(HEALTH_SERVICES::containsKey).sorted().findFirst()
                .map(HEALTH_SERVICES::get);
    }
}
