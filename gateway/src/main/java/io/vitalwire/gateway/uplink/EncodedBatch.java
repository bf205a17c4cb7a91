package io.vitalwire.gateway.uplink;

import java.util.List;

/** One MQTT message's payload and the buffer rows it carries. */
record EncodedBatch(List<Long> rowIds, byte[] payload) {

    EncodedBatch {
        rowIds = List.copyOf(rowIds);
    }
}
