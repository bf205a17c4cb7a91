package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.Reading;

/** A reading claimed from the buffer, with the row id that acknowledges or releases it. */
public record BufferedReading(long rowId, Reading reading) {
}
