package io.vitalwire.gateway.clock;

import io.vitalwire.contract.ClockSync;

/**
 * Whether the gateway's own clock is synchronised (NTP or equivalent). The gateway writes a device's clock only when
 * its own is known to be right, and reports the state in its heartbeat. Never throws: anything that cannot be
 * determined is {@link ClockSync#UNKNOWN}, which counts as not synchronised.
 */
public interface GatewayClockSync {

    ClockSync state();

    /** Known to be synchronised; unknown is not. */
    default boolean isSynchronised() {
        return state() == ClockSync.SYNCED;
    }
}
