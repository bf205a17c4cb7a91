package io.vitalwire.gateway.uplink;

import java.util.List;

/** One MQTT message's payload, the batch id it carries, and the buffer rows it carries. */
record EncodedBatch(String batchId, List<Long> rowIds, byte[] payload) {

    EncodedBatch {
        rowIds = List.copyOf(rowIds);
    }
}
