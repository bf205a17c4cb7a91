package io.vitalwire.gateway.ble.bluez;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/**
 * Counts what the BLE transport refused (by reason; what it accepted, the intake counts), stored-record transfers and
 * the connection events that recovery is made of, for the Prometheus endpoint. Tags carry reasons and
 * characteristics, never devices or values.
 */
@Singleton
class BleCounters {

    private final MeterRegistry registry;

    BleCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param reason        {@code malformed} (does not decode), {@code refused} (must not become a reading),
     *                      {@code invalid} (breaks the contract), {@code implausible} (a value outside the
     *                      contract's plausibility bounds), {@code buffer-unavailable}, at capacity
     *                      {@code lost-at-capacity} (a live value) or {@code kept-on-device-at-capacity} (a stored
     *                      record)
     * @param characteristic the 16-bit UUID, e.g. "2A35"
     */
    void rejected(String reason, String characteristic) {
        registry.counter("vitalwire.intake.rejected", "source", "ble", "reason", reason,
                "characteristic", characteristic).increment();
    }

    /**
     * A step of a stored-records transfer through the Record Access Control Point, e.g. {@code requested},
     * {@code transfer-complete}, {@code no-records}, {@code transfer-failed}, {@code transfer-interrupted},
     * {@code delete-requested}, {@code kept-not-durable}, {@code deleted}, {@code delete-failed}.
     *
     * @param characteristic the stored records' 16-bit UUID, e.g. "2A5E"
     */
    void storedRecords(String outcome, String characteristic) {
        registry.counter("vitalwire.ble.stored-records", "characteristic", characteristic, "outcome", outcome)
                .increment();
    }

    /** A connection event, e.g. {@code bus-lost}, {@code services-resolved-timeout}, {@code stale-object}. */
    void event(String type) {
        registry.counter("vitalwire.ble.events", "type", type).increment();
    }
}
