package io.vitalwire.ingest.window;

import io.vitalwire.contract.ClockQuality;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One sample of a stream, kept exactly as measured: the reading's key, its measurement time, its value (in the unit
 * of its window) and how its measurement time was decided.
 *
 * @param clockQuality the reading's; {@code null} for a sample stored before the window store kept it
 */
public record Sample(String readingKey, Instant measuredAt, BigDecimal value, ClockQuality clockQuality) {
}
