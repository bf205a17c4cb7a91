package io.vitalwire.gateway.normalize;

/** A decoded measurement that cannot become a contract reading (unknown unit, impossible combination). */
public final class NormalizationException extends Exception {

    public NormalizationException(String message) {
        super(message);
    }
}
