package io.vitalwire.ingest.inbox;

import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Owner;
import java.time.Instant;

/**
 * One reading in the inbox, as a claim holds it (stages see it as a {@code StageEntry}).
 *
 * @param id       the entry's id
 * @param device   the device's stable id: the unit of ordering and claiming
 * @param reading  the reading; {@code null} when its stored form cannot be read ({@code unreadable} says why)
 * @param stored   the reading as stored (the contract's JSON)
 * @param owner    the patient and Device decided by the pipeline's first stage; {@code null} before
 * @param attempts this stage's failed attempts so far
 * @param express  whether it goes by the express {@link Lane} (it does in every stage)
 */
record InboxEntry(long id, String readingKey, String topic, String device, Instant measuredAt, Instant receivedAt,
                  Reading reading, String unreadable, byte[] stored, Owner owner, int attempts,
                  boolean express) {
}
