package io.vitalwire.gateway.buffer;

import java.time.Duration;
import java.util.Optional;

/** What the heartbeat and health report about the buffer. */
public record BufferStats(long unsent, long inFlight, long acknowledged, Optional<Duration> oldestUnsentAge) {
}
