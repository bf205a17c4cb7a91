package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;

/**
 * The steps on a connected device once its services are resolved, in order: who it is and whether it is the one its
 * allow-list entry describes, its battery and clock (set if allowed), notifications and indications on (the
 * battery's too, where it notifies), stored records asked for. Makes the BlueZ calls; the link's state is {@link LinkSteps}'s to change.
 */
final class ConnectionSetup {

    /**
     * What a finished set-up hands to the link.
     *
     * @param device   what was learnt, or null: the device is refused
     * @param transfer the stored spot-check transfer requested, or null
     * @param storedRecordsRequested whether any RACP request (glucose or spot-checks) was sent
     * @param refusal  why the device is not served, or null
     */
    record Outcome(ConnectedDevice device, SpotCheckTransfer transfer, boolean storedRecordsRequested,
                   Candidates.Refusal refusal) {

        static Outcome refused(Candidates.Refusal refusal) {
            return new Outcome(null, null, false, refusal);
        }

        boolean isServed() {
            return refusal == null;
        }
    }

    private final DeviceSetup setup;
    private final Candidates candidates;
    private final DeviceClockSetting clockSetting;
    private final GlucoseCursor glucose;
    private final StoredRecordTransfers transfers;
    private final BleCounters counters;

    ConnectionSetup(DeviceSetup setup, Candidates candidates, DeviceClockSetting clockSetting, GlucoseCursor glucose,
                    StoredRecordTransfers transfers, BleCounters counters) {
        this.setup = setup;
        this.candidates = candidates;
        this.clockSetting = clockSetting;
        this.glucose = glucose;
        this.transfers = transfers;
        this.counters = counters;
    }

    /** Runs the steps; stops after identification for a device whose serial is not its entry's. */
    Outcome run(DeviceLink link) throws BluezException {
        DeviceIdentity identity = setup.identify(link);
        Candidates.Refusal refusal = candidates.refusal(link, identity);
        if (refusal != null) {
            return Outcome.refused(refusal);
        }
        Integer battery = setup.batteryPercent(link);
        Long offset = clockSetting.offsetToUse(link, setup.clockOffsetMillis(link));
        setup.enableNotifications(link);
        if (link.notifyingPathOf(WellKnownUuids.BATTERY_LEVEL) != null && !setup.enableBatteryNotifications(link)) {
            counters.event("battery-notify-refused");
        }
        boolean glucoseRecords = setup.requestStoredRecords(link, glucose.last(link, identity));
        SpotCheckTransfer transfer = glucoseRecords ? null : transfers.requestSpotChecks(link);
        return new Outcome(new ConnectedDevice(identity, battery, offset), transfer,
                glucoseRecords || transfer != null, null);
    }
}
