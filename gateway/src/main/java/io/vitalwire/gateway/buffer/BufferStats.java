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
 * @param unsent          readings not yet acknowledged by the broker (queued or in flight)
 * @param unsentByLane    the same, per lane (every lane present)
 * @param unreadable      rows set aside because they no longer decrypt or decode
 * @param unreportedGaps  refusal gaps the cloud has not been told about yet
 * @param usedBytes       SQLite pages in use, in bytes: what counts against {@code maxBytes}
 * @param diskFullSince   when a commit last failed for want of disk space, if no commit has succeeded since
 */
public record BufferStats(long unsent, long inFlight, long acknowledged, Optional<Duration> oldestUnsentAge,
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
