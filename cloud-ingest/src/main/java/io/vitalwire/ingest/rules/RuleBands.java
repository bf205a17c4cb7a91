package io.vitalwire.ingest.rules;

import java.math.BigDecimal;
import java.util.Optional;

/** A rule's two bands; a value in both is critical. */
public record RuleBands(Band warning, Band critical) {

    public RuleBands {
        warning = warning == null ? Band.OFF : warning;
        critical = critical == null ? Band.OFF : critical;
    }

    public Band band(Severity severity) {
        return severity == Severity.CRITICAL ? critical : warning;
    }

    public RuleBands with(Severity severity, Band band) {
        return severity == Severity.CRITICAL ? new RuleBands(warning, band) : new RuleBands(band, critical);
    }

    /** The worst severity whose band holds {@code value}; empty when the value is within both. */
    public Optional<Severity> classify(BigDecimal value) {
        if (critical.holds(value)) {
            return Optional.of(Severity.CRITICAL);
        }
        return warning.holds(value) ? Optional.of(Severity.WARNING) : Optional.empty();
    }
}
