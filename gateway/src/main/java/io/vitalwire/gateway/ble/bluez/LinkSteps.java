package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.privacy.DeviceAliases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves device links through their states: connect, set up, deny, pair, give up on late services, and the recovery
 * each kind of BlueZ failure calls for. Each step makes its BlueZ calls and then takes the link's guarded transition.
 * Loop thread only.
 */
final class LinkSteps {

    private static final Logger LOG = LoggerFactory.getLogger(LinkSteps.class);

    private final BluezClient client;
    private final DeviceLinks links;
    private final Candidates candidates;
    private final ConnectionSetup setup;
    private final StoredRecordTransfers transfers;
    private final ValueDelivery delivery;
    private final DeviceReports reports;
    private final BusSession bus;
    private final BleCounters counters;
    private final Clock clock;
    private final Duration servicesResolvedTimeout;
    private final DeviceAliases aliases;

    LinkSteps(BluezClient client, DeviceLinks links, Candidates candidates, ConnectionSetup setup,
              StoredRecordTransfers transfers, ValueDelivery delivery, DeviceReports reports, BusSession bus,
              BleCounters counters, Clock clock, Duration servicesResolvedTimeout, DeviceAliases aliases) {
        this.client = client;
        this.links = links;
        this.candidates = candidates;
        this.setup = setup;
        this.transfers = transfers;
        this.delivery = delivery;
        this.reports = reports;
        this.bus = bus;
        this.counters = counters;
        this.clock = clock;
        this.servicesResolvedTimeout = servicesResolvedTimeout;
        this.aliases = aliases;
    }

    /**
     * Device1.Connect (unless BlueZ is connected already); a device whose entry has a passkey is bonded first if it is
     * not bonded yet, so nothing is read from a device that has not proven it knows the passkey; then wait for the
     * services, or set up at once.
     */
    void connect(DeviceLink link) {
        if (!link.startConnecting()) {
            return;
        }
        counters.event("connect-attempt");
        try {
            if (!link.connected()) {
                client.connect(link.path);
                link.observe(true, null, null);
            }
        } catch (BluezException e) {
            failed(link, "connect", e);
            return;
        }
        if (link.entry.bonding().bondsFirst() && !link.paired() && !bond(link)) {
            return;
        }
        if (link.awaitServices(clock.instant().plus(servicesResolvedTimeout)) && link.isReadyForSetup()) {
            setUp(link);
        }
    }

    /** Services resolved: set the device up and let its values flow, or leave it alone if it is not ours. */
    void setUp(DeviceLink link) {
        try {
            ConnectionSetup.Outcome outcome = setup.run(link);
            if (!outcome.isServed()) {
                deny(link, outcome.refusal());
                return;
            }
            if (!link.activate(outcome.device(), outcome.transfer())) {
                return;
            }
            counters.event("device-ready");
            reports.ready(link);
            // The serial's alias too: the cloud names a device by its serial, so that is what operators look up.
            String serial = outcome.device().identity().serial();
            LOG.info("device {} ready{}: {} health characteristics, battery {}%, clock offset {} ms{}", link.alias,
                    serial == null ? "" : " (serial " + aliases.ofSerial(serial) + ")",
                    link.healthCharacteristicPaths().size(), outcome.device().batteryPercent(),
                    outcome.device().clockOffsetMillis(),
                    outcome.storedRecordsRequested() ? ", stored records requested" : "");
            delivery.deliverPending(link);
        } catch (BluezException e) {
            failed(link, "setup", e);
        }
    }

    /** A value from a characteristic BlueZ has not announced to us: ask for it, on a device we know. */
    DeviceLink learn(String characteristicPath) {
        String devicePath = BluezProperties.devicePathOf(characteristicPath);
        DeviceLink link = devicePath == null ? null : links.device(devicePath);
        if (link == null) {
            return null;
        }
        try {
            links.addCharacteristic(link, client.describeCharacteristic(characteristicPath));
            return link;
        } catch (BluezException e) {
            failed(link, "describe", e);
            return null;
        }
    }

    /** BlueZ reports the device disconnected while the gateway was connecting, resolving or active. */
    void disconnected(DeviceLink link) {
        counters.event("device-disconnected");
        LOG.info("device {} disconnected", link.alias);
        transfers.abandon(link);
        link.retryLater(clock.instant());
    }

    /** Services did not resolve before the deadline: disconnect and try again later. */
    void servicesTimedOut(DeviceLink link, Instant now) {
        counters.event("services-resolved-timeout");
        LOG.info("device {}: services not resolved within {}; disconnecting to retry", link.alias,
                servicesResolvedTimeout);
        disconnectQuietly(link);
        link.retryLater(now);
    }

    private void deny(DeviceLink link, Candidates.Refusal refusal) {
        candidates.deny(link.address);
        link.deny();
        counters.event("device-denied");
        switch (refusal) {
            case SERIAL_MISMATCH -> {
                counters.event("serial-mismatch");
                reports.refused(link, "serial-mismatch");
                // Another device at a listed address, or the listed one replaced: an installer must look.
                LOG.warn("device {} reports another serial than its allow-list entry names; refusing it until the "
                        + "gateway restarts (check the entry, or whether a device impersonates it)", link.alias);
            }
        }
        disconnectQuietly(link);
    }

    private void failed(DeviceLink link, String step, BluezException e) {
        switch (e.kind()) {
            case BUS_LOST -> bus.lost(e.getMessage());
            case OBJECT_GONE -> {
                counters.event("stale-object");
                if (step.equals("connect")) {
                    // The device object itself is gone: forget it until BlueZ reports it again.
                    LOG.info("device {}: its object is stale; waiting for rediscovery", link.alias);
                    links.removeDevice(link.path);
                } else {
                    // A GATT object vanished under us (the device dropped the link): start over on the device.
                    LOG.info("device {}: {} hit a stale GATT object; retrying", link.alias, step);
                    link.retryLater(clock.instant());
                }
            }
            case NOT_AUTHORIZED -> pair(link, step, e);
            case AUTHENTICATION_FAILED -> {
                // Not from a Pair() (bond() handles those): the link's encryption failed, e.g. a bond lost on
                // one side. Treated like a failed bonding: not retried in a tight loop.
                counters.event("authentication-failed");
                reports.refused(link, "pairing-failed");
                LOG.warn("device {}: {} failed to authenticate ({}); next attempt after the pairing backoff",
                        link.alias, step, e.getMessage());
                disconnectQuietly(link);
                link.pairingFailed(clock.instant());
            }
            case FAILED -> {
                counters.event(step + "-failed");
                LOG.info("device {}: {} failed ({}); retrying with backoff", link.alias, step, e.getMessage());
                disconnectQuietly(link);
                link.retryLater(clock.instant());
            }
        }
    }

    /**
     * The device wants a bonded link: bond as its entry allows, then set it up again. An entry that allows no bonding
     * leaves the device alone until the pairing backoff has passed, reported.
     */
    private void pair(DeviceLink link, String step, BluezException cause) {
        if (link.paired()) {
            failed(link, step, new BluezException(BluezException.Kind.FAILED, cause.getMessage(), cause));
            return;
        }
        if (link.entry.bonding() instanceof Bonding.None) {
            counters.event("bonding-not-allowed");
            reports.refused(link, "bonding-not-allowed");
            LOG.warn("device {} requires bonding for {}, but its allow-list entry allows none (add passkey=N, or "
                    + "just-works); next attempt after the pairing backoff", link.alias, step);
            disconnectQuietly(link);
            link.pairingFailed(clock.instant());
            return;
        }
        LOG.info("device {} requires bonding for {}; pairing", link.alias, step);
        if (bond(link) && link.awaitServicesAfterPairing(clock.instant().plus(servicesResolvedTimeout))
                && link.isReadyForSetup()) {
            setUp(link);
        }
    }

    /**
     * Device1.Pair through the gateway's agent, which answers only for this device and as its entry says. A
     * refused bonding (wrong passkey, the device declined) waits for the link's pairing backoff and is reported.
     *
     * @return whether the device is bonded now
     */
    private boolean bond(DeviceLink link) {
        counters.event("pairing");
        try {
            client.pair(link.path, link.entry.bonding());
            link.bonded();
            counters.event("paired");
            return true;
        } catch (BluezException e) {
            switch (e.kind()) {
                case BUS_LOST, OBJECT_GONE -> failed(link, "pair", e);
                case AUTHENTICATION_FAILED, NOT_AUTHORIZED, FAILED -> {
                    counters.event("pairing-failed");
                    reports.refused(link, "pairing-failed");
                    disconnectQuietly(link);
                    Instant now = clock.instant();
                    link.pairingFailed(now);
                    LOG.warn("device {}: bonding failed ({}){}; next attempt after the pairing backoff", link.alias,
                            e.getMessage(), link.entry.bonding() instanceof Bonding.Passkey
                                    ? ", check the passkey in its allow-list entry" : "");
                }
            }
            return false;
        }
    }

    private void disconnectQuietly(DeviceLink link) {
        try {
            client.disconnect(link.path);
        } catch (BluezException e) {
            LOG.debug("disconnecting {}: {}", link.alias, e.getMessage());
        }
    }
}
