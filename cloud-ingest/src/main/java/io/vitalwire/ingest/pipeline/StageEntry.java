package io.vitalwire.ingest.pipeline;

import io.vitalwire.contract.Reading;
import java.time.Instant;

/**
 * One reading as a stage sees it.
 *
 * @param id         the inbox entry's id
 * @param topic      the MQTT topic it arrived on (names the tenant and gateway)
 * @param device     the device's stable id ({@code sn.…}, {@code bd.…}): the unit of ordering
 * @param receivedAt when cloud-ingest took it in
 * @param owner      its patient and Device, decided by the first stage; {@code null} in the first stage
 * @param attempts   this stage's failed attempts at it so far
 */
public record StageEntry(long id, String topic, String device, Instant receivedAt, Reading reading, Owner owner,
                         int attempts) {

    public String readingKey() {
        return reading.key();
    }

    public Instant measuredAt() {
        return reading.measuredAt();
    }
}
