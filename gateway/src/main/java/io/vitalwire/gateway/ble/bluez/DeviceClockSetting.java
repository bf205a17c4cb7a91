package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.gateway.clock.GatewayClockSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a device's clock when the operator allows it, the gateway's own clock is synchronised and the device is off
 * by more than the tolerance; then verifies by reading it back. Outcomes are counted ({@code clock-set-succeeded},
 * {@code clock-set-failed}, {@code clock-set-skipped-unsynced}).
 */
final class DeviceClockSetting {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceClockSetting.class);

    /** Volatile: the cloud's configuration may change it while the loop reads it. */
    private volatile boolean allowed;
    private final GatewayClockSync clockSync;
    private final DeviceSetup setup;
    private final BleCounters counters;

    /** Whether clocks may be set from now on (a configuration from the cloud, {@code ble.setDeviceClock}). */
    void allow(boolean allowed) {
        this.allowed = allowed;
    }

    /** @param allowed {@code vitalwire.gateway.ble.set-device-clock} */
    DeviceClockSetting(boolean allowed, GatewayClockSync clockSync, DeviceSetup setup, BleCounters counters) {
        this.allowed = allowed;
        this.clockSync = clockSync;
        this.setup = setup;
        this.counters = counters;
    }

    /**
     * @param offset the device's measured clock offset, or null if unknown
     * @return the offset to use for this connection's readings (the verified one after a write)
     * @throws BluezException only when the bus or the device object is gone; a refused write is counted instead
     */
    Long offsetToUse(DeviceLink link, Long offset) throws BluezException {
        if (offset == null || !allowed || Math.abs(offset) <= DeviceSetup.CLOCK_TOLERANCE_MILLIS) {
            return offset;
        }
        if (!clockSync.isSynchronised()) {
            counters.event("clock-set-skipped-unsynced");
            LOG.info("device {}: clock off by {} ms, not set: the gateway's clock is not known to be synchronised",
                    link.alias, offset);
            return offset;
        }
        try {
            Long after = setup.setClock(link);
            if (after != null && Math.abs(after) <= DeviceSetup.CLOCK_TOLERANCE_MILLIS) {
                counters.event("clock-set-succeeded");
                LOG.info("device {}: clock set (was off by {} ms, now {} ms)", link.alias, offset, after);
                return after;
            }
            // Accepted without effect, as some devices do: keep correcting by the measured offset.
            counters.event("clock-set-failed");
            LOG.warn("device {}: clock write accepted but the clock is still off ({} ms)", link.alias, after);
            return after != null ? after : offset;
        } catch (BluezException e) {
            if (e.kind() == BluezException.Kind.BUS_LOST || e.kind() == BluezException.Kind.OBJECT_GONE) {
                throw e;
            }
            counters.event("clock-set-failed");
            LOG.info("device {}: clock write refused ({})", link.alias, e.getMessage());
            return offset;
        }
    }
}
