package io.vitalwire.gateway.buffer;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ContractViolation;
import io.vitalwire.contract.Reading;

/**
 * A reading claimed from the buffer: the row id that acknowledges or releases it, its idempotency key, and the reading
 * as {@link ContractCodec#encodeReading} wrote it — what the uplink splices into a batch without decoding it.
 */
public record BufferedReading(long rowId, String key, byte[] encoded) {

    private static final ContractCodec CODEC = new ContractCodec();

    /** The reading itself, decoded: for diagnostics and tests; the uplink never needs it. */
    public Reading reading() {
        try {
            return CODEC.decodeReading(encoded);
        } catch (ContractViolation e) {
            // By row, not by key: the message may be logged, and a reading key holds the device's serial or address.
            throw new IllegalStateException("the buffered reading in row " + rowId + " does not decode", e);
        }
    }
}
