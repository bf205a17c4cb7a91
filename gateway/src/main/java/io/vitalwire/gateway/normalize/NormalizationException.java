package io.vitalwire.gateway.normalize;

/** A decoded measurement that cannot become a contract reading (unknown unit, impossible combination). */
public sealed class NormalizationException extends Exception permits ImplausibleMeasurementException {

    public NormalizationException(String message) {
        super(message);
    }
}
