package io.vitalwire.sims.faults;

import java.time.Duration;
import java.util.Locale;

/**
 * How long a fault test keeps its fault up: CI's length, or a longer one given as a system property to soak it
 * locally, e.g. {@code deploy/dev/test.sh -Dvitalwire.faults.partition=5m}.
 */
final class FaultLength {

    private FaultLength() {
    }

    /**
     * {@code -D<property>=5m} (or {@code 90s}, or ISO-8601 {@code PT5M}); {@code byDefault} when it is not set.
     */
    static Duration of(String property, Duration byDefault) {
        String value = System.getProperty(property, "").strip().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            return byDefault;
        }
        if (value.startsWith("pt")) {
            return Duration.parse(value);
        }
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            default -> throw new IllegalArgumentException(property + ": '" + value + "' is not like 90s, 5m or PT5M");
        };
    }
}
