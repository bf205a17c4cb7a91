package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.intake.RecordCursorException;
import io.vitalwire.gateway.intake.StoredRecordCursors;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A glucose meter's record cursor: the last sequence number that reached the buffer, so that each connection asks
 * only for newer records. It moves only past durable records, and not at all for the rest of a connection once the
 * buffer refused one, so the refused record is asked for again rather than skipped by a later one's number.
 */
final class GlucoseCursor {

    private static final Logger LOG = LoggerFactory.getLogger(GlucoseCursor.class);
    private static final String CHARACTERISTIC = HealthCharacteristic.GLUCOSE_MEASUREMENT.hex();

    private final StoredRecordCursors cursors;

    GlucoseCursor(StoredRecordCursors cursors) {
        this.cursors = cursors;
    }

    /** The cursor of the device on this link, or null (ask for all records) when none is known or it is unreadable. */
    Long last(DeviceLink link, DeviceIdentity device) {
        try {
            OptionalLong last = cursors.last(device.stableId(), CHARACTERISTIC);
            return last.isPresent() ? last.getAsLong() : null;
        } catch (RecordCursorException e) {
            LOG.warn("device {}: record cursor not readable ({}); asking for all records", link.alias,
                    e.getMessage());
            return null;
        }
    }

    /** A Glucose Measurement went to the intake: advance past its record, or hold the cursor if it was refused. */
    void recordDelivered(DeviceLink link, GattIntake.Result result) {
        if (result.bufferRefused()) {
            link.holdGlucoseCursor();
        }
        Long highest = null;
        for (Reading r : result.readings()) {
            if (r.sequence() != null && (highest == null || r.sequence() > highest)) {
                highest = r.sequence();
            }
        }
        if (highest == null || link.glucoseCursorHeld() || link.device() == null) {
            return;
        }
        try {
            cursors.advance(link.device().identity().stableId(), CHARACTERISTIC, highest);
        } catch (RecordCursorException e) {
            // The reading is durable; only the cursor lags, so the next transfer asks for more than needed.
            LOG.warn("device {}: record cursor not saved: {}", link.alias, e.getMessage());
        }
    }
}
