package io.vitalwire.gateway.intake;

import io.vitalwire.contract.Transport;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import java.time.Instant;
import java.util.List;

/**
 * What a transport hands to the intake: the measurements it decoded from one device message (a SenML pack, a GATT
 * value), taken or refused whole.
 *
 * @param transport    the transport that received them, for the intake's counters
 * @param provenance   live or from the device's memory
 * @param receivedAt   when the gateway received the message (the normalizer's time reference)
 * @param measurements what the message held; may be empty (a value that must not become a reading)
 */
public record Delivery(Transport transport, Provenance provenance, Instant receivedAt,
                       List<DeviceMeasurement> measurements) {

    public Delivery {
        measurements = List.copyOf(measurements);
    }
}
