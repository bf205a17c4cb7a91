package io.vitalwire.gateway.normalize;

/**
 * A measurement with a value outside the contract's plausibility bounds ({@code io.vitalwire.contract.Plausibility}):
 * no living patient and no working device produces it, so it is a device fault and is never forwarded. The message
 * names the field, type, unit and bounds, never the value.
 */
public final class ImplausibleMeasurementException extends NormalizationException {

    public ImplausibleMeasurementException(String message) {
        super(message);
    }
}
