package io.vitalwire.ingest.operations;

import io.vitalwire.ingest.rules.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code device-battery-low}: a level at or below {@code critical} percent is critical, at or below {@code warning}
 * a warning; one alert per device within {@code suppression} of its last one (by the reports' times, so a report
 * arriving late after an outage is judged at its own time), unless the severity is worse. A battery recharged and low
 * again within the window is still suppressed: the care coordinator has already been told to see to it.
 */
record BatteryRule(int warning, int critical, Duration suppression) {

    BatteryRule {
        if (critical > warning) {
            throw new IllegalArgumentException("battery-critical (" + critical + ") is above battery-warning ("
                    + warning + ")");
        }
    }

    static BatteryRule of(OperationsConfig config) {
        return new BatteryRule(config.getBatteryWarning(), config.getBatteryCritical(),
                config.getBatterySuppression());
    }

    /** The device's last low-battery alert: its severity and the time of the report that raised it. */
    record LastAlert(Severity severity, Instant at) {
    }

    /** The alert a report of {@code level} percent at {@code at} calls for, given the device's last one (or null). */
    Optional<Severity> decide(int level, Instant at, LastAlert last) {
        Optional<Severity> severity = severity(level);
        if (severity.isEmpty() || last == null) {
            return severity;
        }
        boolean withinWindow = Duration.between(last.at(), at).abs().compareTo(suppression) < 0;
        return withinWindow && !severity.get().worseThan(last.severity()) ? Optional.empty() : severity;
    }

    private Optional<Severity> severity(int level) {
        if (level <= critical) {
            return Optional.of(Severity.CRITICAL);
        }
        return level <= warning ? Optional.of(Severity.WARNING) : Optional.empty();
    }
}
