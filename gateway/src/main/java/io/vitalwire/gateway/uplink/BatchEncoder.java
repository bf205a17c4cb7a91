package io.vitalwire.gateway.uplink;

import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.ReadingBatch;
import io.vitalwire.gateway.buffer.BufferedReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Claimed readings as {@link ReadingBatch} messages of at most a given size, in buffer order: a batch that is too
 * large is halved until each part fits. Readings vary in size (a blood-pressure panel is several times a weight), so
 * a count alone cannot bound a message.
 */
final class BatchEncoder {

    private final ContractCodec codec = new ContractCodec();

    /**
     * @param maxBytes largest payload; a single reading larger than this still goes, alone (it cannot be split, and
     *                 the contract's own limit is far above any one reading)
     */
    List<EncodedBatch> encode(String gatewayId, Instant sentAt, List<BufferedReading> rows, int maxBytes) {
        List<EncodedBatch> out = new ArrayList<>();
        encodeInto(out, gatewayId, sentAt, rows, maxBytes);
        return out;
    }

    private void encodeInto(List<EncodedBatch> out, String gatewayId, Instant sentAt, List<BufferedReading> rows,
                            int maxBytes) {
        byte[] payload = codec.encode(ReadingBatch.of(gatewayId, sentAt,
                rows.stream().map(BufferedReading::reading).toList()));
        if (payload.length <= maxBytes || rows.size() == 1) {
            out.add(new EncodedBatch(rows.stream().map(BufferedReading::rowId).toList(), payload));
            return;
        }
        int half = rows.size() / 2;
        encodeInto(out, gatewayId, sentAt, rows.subList(0, half), maxBytes);
        encodeInto(out, gatewayId, sentAt, rows.subList(half, rows.size()), maxBytes);
    }
}
