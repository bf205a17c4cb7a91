package io.vitalwire.ingest.inbox;

import io.vitalwire.contract.Reading;
import java.util.List;

/**
 * The readings that arrived together in one message, and the topic it came on (kept with each entry).
 *
 * @param topic    the message's topic
 * @param readings its readings, in any order
 */
public record Arrival(String topic, List<Reading> readings) {

    public Arrival {
        readings = List.copyOf(readings);
    }
}
