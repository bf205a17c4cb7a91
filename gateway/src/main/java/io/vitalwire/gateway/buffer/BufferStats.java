package io.vitalwire.gateway.buffer;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the heartbeat and health report about the buffer.
 *
 * @param unsent          readings not yet delivered: queued, in flight, or awaiting their receipt (for the heartbeat's
 *                        {@code queueDepth}; everything the gateway still answers for)
 * @param inFlight        of these, published and awaiting the broker's PUBACK
 * @param awaitingReceipt of these, acknowledged by the broker and awaiting cloud-ingest's receipt
 * @param acknowledged    delivered rows still kept (see RowState#ACKNOWLEDGED)
 * @param oldestUnsentAge age of the oldest reading not yet delivered: the oldest unreceipted one
 * @param unsentByLane    {@code unsent}, per lane (every lane present)
 * @param unreadable      rows set aside because they no longer decrypt or decode
 * @param unreportedGaps  refusal gaps the cloud has not been told about yet
 * @param usedBytes       SQLite pages in use, in bytes: what counts against {@code maxBytes}
 * @param diskFullSince   when a commit last failed for want of disk space, if no commit has succeeded since
 */
public record BufferStats(long unsent, long inFlight, long awaitingReceipt, long acknowledged,
                          Optional<Duration> oldestUnsentAge,
                          Map<Lane, Long> unsentByLane, long unreadable, long unreportedGaps, long usedBytes,
                          long maxBytes, Optional<Instant> diskFullSince) {

    public BufferStats {
        unsentByLane = Map.copyOf(unsentByLane);
    }

    /** The lanes the buffer refuses at its current size, highest priority first; empty below every limit. */
    public List<Lane> refusedLanes() {
        return Arrays.stream(Lane.values()).filter(l -> l.refusedAt(usedBytes, maxBytes)).toList();
    }
}
