package io.vitalwire.ingest.rules;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * An alert the rules decided.
 *
 * @param patient    the patient's logical id (opaque, never a name)
 * @param readingKey the reading that fired it; {@code null} for no-data
 * @param late       the reading arrived more than the late threshold (1 h) after it was measured: an old value, not
 *                   a new one
 * @param measuredAt when the reading that fired it was measured; for no-data, the clock's time of the decision
 * @param value      the value that fired it, as the device sent it (for weight gain: the weight); {@code null} for
 *                   no-data
 * @param unit       {@code value}'s UCUM unit, as sent
 */
public record Alert(String patient, Rule rule, Severity severity, String readingKey, boolean late, Instant measuredAt,
                    BigDecimal value, String unit) {
}
