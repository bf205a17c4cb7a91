package io.vitalwire.backoff;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A server's {@code Retry-After} (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), read once for every client of
 * ours that honours it (webhook deliveries, the FHIR client). How long to honour it is the caller's policy:
 * {@link Backoff#delayAfter(int, Duration)} caps it at the backoff's longest wait.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait the value asks for, from {@code now}; empty when it is neither form or lies in the past. */
    public static Optional<Duration> parse(String value, Instant now) {
        String v = value.strip();
        try {
            if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            }
            Duration wait = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
            return wait.isNegative() ? Optional.empty() : Optional.of(wait);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
