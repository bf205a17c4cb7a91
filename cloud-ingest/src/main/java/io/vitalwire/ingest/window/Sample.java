package io.vitalwire.ingest.window;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One sample of a stream, kept exactly as measured: the reading's key, its measurement time and its value (in the
 * unit of its window).
 */
public record Sample(String readingKey, Instant measuredAt, BigDecimal value) {
}
