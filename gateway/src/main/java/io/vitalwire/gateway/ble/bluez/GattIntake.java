package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.ble.gatt.GattDecodeException;
import io.vitalwire.gateway.ble.gatt.GattMeasurement;
import io.vitalwire.gateway.ble.gatt.GattReadings;
import io.vitalwire.gateway.ble.gatt.HealthCharacteristic;
import io.vitalwire.gateway.intake.Delivery;
import io.vitalwire.gateway.intake.IntakeOutcome;
import io.vitalwire.gateway.intake.Provenance;
import io.vitalwire.gateway.intake.ReadingIntake;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.NormalizationException;
import io.vitalwire.privacy.DeviceAliases;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One health characteristic value → decoded → measurements → the gateway's {@link ReadingIntake}, and what became of
 * it in BLE's terms. A value is taken or refused whole; refusals are counted by reason and logged without values.
 */
@Singleton
class GattIntake {

    private static final Logger LOG = LoggerFactory.getLogger(GattIntake.class);

    private final ReadingIntake intake;
    private final BleCounters counters;
    private final DeviceAliases aliases;

    GattIntake(ReadingIntake intake, BleCounters counters, DeviceAliases aliases) {
        this.intake = intake;
        this.counters = counters;
        this.aliases = aliases;
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
     * @param streamed a continuous stream's sample, taken and waiting for the intake's next stream commit: not
     *                 durable yet, nothing to acknowledge
     */
    record Result(List<Reading> readings, boolean durable, boolean bufferRefused, boolean streamed) {
        static final Result NOT_DURABLE = new Result(List.of(), false, false, false);
        static final Result BUFFER_REFUSED = new Result(List.of(), false, true, false);

        /** Taken by the intake: durable, or a stream's sample on its way. */
        boolean taken() {
            return durable || streamed;
        }
    }

    /** @param provenance {@link Provenance#STORED} for a record from the device's memory, else live */
    Result accept(DeviceIdentity device, HealthCharacteristic characteristic, byte[] value,
                  Long clockOffsetMillis, Instant receivedAt, Provenance provenance) {
        String ref = characteristic.hex();
        List<DeviceMeasurement> measurements;
        try {
            GattMeasurement decoded = characteristic.decode(value);
            measurements = GattReadings.toMeasurements(characteristic, decoded, device, clockOffsetMillis);
        } catch (GattDecodeException e) {
            return refuse("malformed", ref, device, e.getMessage());
        } catch (NormalizationException e) {
            return refuse("refused", ref, device, e.getMessage());
        } catch (IllegalArgumentException e) {
            return refuse("invalid", ref, device, e.getMessage());
        }
        Delivery delivery = new Delivery(Transport.BLE, provenance, receivedAt, measurements);
        IntakeOutcome outcome = characteristic.continuous() ? intake.takeStreamed(delivery) : intake.take(delivery);
        if (outcome instanceof IntakeOutcome.Durable durable) {
            return new Result(durable.readings(), true, false, false);
        }
        if (outcome instanceof IntakeOutcome.Streamed streamed) {
            return new Result(streamed.readings(), false, false, true);
        }
        if (outcome instanceof IntakeOutcome.Invalid invalid) {
            return refuse(switch (invalid.fault()) {
                case NOT_NORMALIZABLE -> "refused";
                case BREAKS_CONTRACT -> "invalid";
                case IMPLAUSIBLE -> "implausible";
            }, ref, device, invalid.diagnostic());
        }
        // BlueZ has already confirmed the value. A stored record stays in the device's memory (not deleted, the
        // cursor held) and comes again; a live value is lost, and counted as such.
        if (outcome instanceof IntakeOutcome.BufferFull) {
            counters.rejected(provenance == Provenance.STORED ? "kept-on-device-at-capacity" : "lost-at-capacity",
                    ref);
        } else {
            counters.rejected("buffer-unavailable", ref);
        }
        return Result.BUFFER_REFUSED;
    }

    private Result refuse(String reason, String ref, DeviceIdentity device, String diagnostic) {
        counters.rejected(reason, ref);
        // The diagnostics name fields and flags, never values; a contract violation may quote a reading key.
        LOG.warn("refused a {} value from {} ({}): {}", ref, aliases.of(device), reason,
                aliases.scrub(diagnostic, device));
        return Result.NOT_DURABLE;
    }
}
