package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.ble.gatt.GattDecodeException;
import io.vitalwire.gateway.ble.gatt.GattMeasurement;
import io.vitalwire.gateway.ble.gatt.GattReadings;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.buffer.AppendResult;
import io.vitalwire.gateway.buffer.BufferException;
import io.vitalwire.gateway.buffer.BufferFullException;
import io.vitalwire.gateway.buffer.Lane;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.gateway.normalize.Normalizer;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One health characteristic value → decoded → measurements → normalized readings → committed to the durable buffer.
 * A value is taken or refused whole; refusals are counted by reason and logged without values.
 */
@Singleton
class GattIntake {

    private static final Logger LOG = LoggerFactory.getLogger(GattIntake.class);

    private final Normalizer normalizer;
    private final ReadingBuffer buffer;
    private final BleCounters counters;

    GattIntake(Normalizer normalizer, ReadingBuffer buffer, BleCounters counters) {
        this.normalizer = normalizer;
        this.buffer = buffer;
        this.counters = counters;
    }

    /**
     * What became of one value.
     *
     * @param readings the readings the value held, now durable (new or already known by key); empty when it held
     *                 none or was refused
     * @param durable  false when the value was refused or the buffer did not take it: it is not in the buffer and
     *                 must not be deleted from the device's memory
     * @param bufferRefused the buffer did not take it (at capacity or failing): a stored record must be fetched
     *                 again, so no record cursor may move past it
     */
    record Result(List<Reading> readings, boolean durable, boolean bufferRefused) {
        static final Result NOT_DURABLE = new Result(List.of(), false, false);
        static final Result BUFFER_REFUSED = new Result(List.of(), false, true);
    }

    /**
     * @param lane {@link Lane#CRITICAL} for a live value, {@link Lane#ROUTINE} for a record from the device's memory
     */
    Result accept(DeviceIdentity device, HealthCharacteristic characteristic, byte[] value,
                         Long clockOffsetMillis, Instant receivedAt, Lane lane) {
        String ref = characteristic.hex();
        List<Reading> readings = new ArrayList<>(2);
        try {
            GattMeasurement decoded = characteristic.decode(value);
            for (DeviceMeasurement m : GattReadings.toMeasurements(characteristic, decoded, device,
                    clockOffsetMillis)) {
                readings.add(normalizer.normalize(m, receivedAt));
            }
        } catch (GattDecodeException e) {
            return refuse("malformed", ref, device, e.getMessage());
        } catch (NormalizationException e) {
            return refuse("refused", ref, device, e.getMessage());
        } catch (IllegalArgumentException e) {
            return refuse("invalid", ref, device, e.getMessage());
        }
        if (readings.isEmpty()) {
            return new Result(List.of(), true, false);
        }
        try {
            AppendResult result = buffer.append(lane, readings);
            counters.accepted(result.added(), result.alreadyKnown());
            return new Result(readings, true, false);
        } catch (BufferFullException e) {
            // BlueZ has already confirmed the value. A stored record stays in the device's memory (not deleted, the
            // cursor held) and comes again; a live value is lost, and counted as such.
            counters.rejected(lane == Lane.ROUTINE ? "kept-on-device-at-capacity" : "lost-at-capacity", ref);
            // Counted per value; the buffer logs each gap once rather than every refused value.
            LOG.debug("buffer at capacity: {} from {} refused ({})", ref, device.stableId(), lane);
            return Result.BUFFER_REFUSED;
        } catch (BufferException e) {
            // BlueZ has already confirmed an indication: a stored record is fetched again through RACP on the next
            // connection; a live value is lost, and counted.
            counters.rejected("buffer-unavailable", ref);
            LOG.error("buffer append failed for {} from {}: {}", ref, device.stableId(), e.getMessage());
            return Result.BUFFER_REFUSED;
        }
    }

    private Result refuse(String reason, String ref, DeviceIdentity device, String diagnostic) {
        counters.rejected(reason, ref);
        // The diagnostics name fields and flags, never values.
        LOG.warn("refused a {} value from {} ({}): {}", ref, device.stableId(), reason, diagnostic);
        return Result.NOT_DURABLE;
    }
}
