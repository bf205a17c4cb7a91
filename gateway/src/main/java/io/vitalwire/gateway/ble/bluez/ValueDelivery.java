package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.intake.Provenance;
import java.time.Clock;
import java.time.Instant;

/**
 * Takes a health characteristic's value from a link to the intake, as live or stored, and tells the stored-record
 * transfers and the glucose cursor what became of it. Values that come before the link is set up are kept, with
 * their receive time, until it is.
 */
final class ValueDelivery {

    private final GattIntake gatt;
    private final StoredRecordTransfers transfers;
    private final GlucoseCursor glucose;
    private final BleCounters counters;
    private final Clock clock;

    ValueDelivery(GattIntake gatt, StoredRecordTransfers transfers, GlucoseCursor glucose, BleCounters counters,
                  Clock clock) {
        this.gatt = gatt;
        this.transfers = transfers;
        this.glucose = glucose;
        this.counters = counters;
        this.clock = clock;
    }

    /** A notification or indication of a health characteristic. */
    void arrived(DeviceLink link, HealthCharacteristic characteristic, byte[] value) {
        Instant receivedAt = clock.instant();
        if (link.device() == null) {
            // Notifications before subscription: the device sent before the link was ready; keep it for then.
            if (!link.hold(new DeviceLink.PendingValue(characteristic, value, receivedAt))) {
                counters.rejected("before-ready-overflow", characteristic.hex());
            }
            return;
        }
        deliver(link, characteristic, value, receivedAt);
    }

    /** The link just became active: what came before goes to the intake, in arrival order. */
    void deliverPending(DeviceLink link) {
        for (DeviceLink.PendingValue p = link.nextPending(); p != null; p = link.nextPending()) {
            deliver(link, p.characteristic(), p.value(), p.receivedAt());
        }
    }

    private void deliver(DeviceLink link, HealthCharacteristic characteristic, byte[] value, Instant receivedAt) {
        ConnectedDevice device = link.device();
        Provenance provenance = transfers.isStoredRecord(link, characteristic) ? Provenance.STORED : Provenance.LIVE;
        GattIntake.Result result = gatt.accept(device.identity(), characteristic, value, device.clockOffsetMillis(),
                receivedAt, provenance);
        if (result.taken()) {
            link.valueStored(clock.instant());
        }
        if (characteristic == HealthCharacteristic.PLX_SPOT_CHECK_MEASUREMENT) {
            transfers.spotCheckDelivered(link, result.durable());
        }
        if (characteristic == HealthCharacteristic.GLUCOSE_MEASUREMENT) {
            glucose.recordDelivered(link, result);
        }
    }
}
