package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.gateway.buffer.BufferedReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Claimed readings as {@link ReadingBatch} messages of at most a given size, in buffer order. Readings vary in size (a
 * blood-pressure panel is several times a weight), so a count alone cannot bound a message; each reading's encoded
 * size is known from the buffer, so the split is decided before anything is encoded.
 */
final class BatchEncoder {

    /**
     * Upper bound of a batch's envelope besides the gateway id: {@code {"v":"1.1","gatewayId":"","batchId":"…",
     * "sentAt":"…","readings":[]}} with the longest batch id and ISO instant, plus a comma per reading counted
     * separately.
     */
    private static final int ENVELOPE_BYTES = 176;

    private final ContractCodec codec = new ContractCodec();
    private final BatchIds batchIds;

    /** @param batchIds names each message; every message gets a new one, also when it carries rows sent before */
    BatchEncoder(BatchIds batchIds) {
        this.batchIds = batchIds;
    }

    /**
     * @param maxBytes largest payload; a single reading larger than this still goes, alone (it cannot be split, and
     *                 the contract's own limit is far above any one reading)
     */
    List<EncodedBatch> encode(String gatewayId, Instant sentAt, List<BufferedReading> rows, int maxBytes) {
        List<EncodedBatch> out = new ArrayList<>();
        int envelope = ENVELOPE_BYTES + gatewayId.length();
        int first = 0;
        int size = envelope;
        for (int i = 0; i < rows.size(); i++) {
            int bytes = rows.get(i).encoded().length + 1;
            if (i > first && size + bytes > maxBytes) {
                out.add(batch(gatewayId, sentAt, rows.subList(first, i)));
                first = i;
                size = envelope;
            }
            size += bytes;
        }
        if (first < rows.size()) {
            out.add(batch(gatewayId, sentAt, rows.subList(first, rows.size())));
        }
        return out;
    }

    private EncodedBatch batch(String gatewayId, Instant sentAt, List<BufferedReading> rows) {
        String batchId = batchIds.next();
        return new EncodedBatch(batchId, rows.stream().map(BufferedReading::rowId).toList(), codec.encodeReadingBatch(
                gatewayId, batchId, sentAt, rows.stream().map(BufferedReading::encoded).toList()));
    }
}
