package io.vitalwire.ingest.rules;

import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.ingest.fhir.Interpretation;
import io.vitalwire.ingest.fhir.InterpretationSource;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The interpretations on the FHIR stage's Observations, decided by the alerts' own bands on canonical values: H/L for
 * the warning band, HH/LL for the critical one, the direction from the limit that holds ({@code gt}/{@code ge} high,
 * {@code lt}/{@code le} low). The patient's thresholds are read at most a minute old ({@link PatientProfiles}).
 */
@Singleton
public class Interpretations implements InterpretationSource {

    private final PatientProfiles profiles;

    public Interpretations(PatientProfiles profiles) {
        this.profiles = profiles;
    }

    @Override
    public Map<String, Interpretation> of(String tenant, String patientId, Reading reading) {
        return of(reading, profiles.thresholds(tenant, patientId));
    }

    /** Each value of the reading beyond a band of {@code thresholds}, by its MDC code. */
    public static Map<String, Interpretation> of(Reading reading, Thresholds thresholds) {
        Map<String, Interpretation> found = new LinkedHashMap<>();
        for (ReadingValue v : reading.values()) {
            Measure.of(reading.type(), v)
                    .filter(c -> c.measure().rule() != null)
                    .flatMap(c -> of(thresholds.of(c.measure().rule()), c.value()))
                    .ifPresent(i -> found.put(v.mdc(), i));
        }
        return found;
    }

    static Optional<Interpretation> of(RuleBands bands, BigDecimal value) {
        for (Severity severity : new Severity[] {Severity.CRITICAL, Severity.WARNING}) {
            for (Comparison c : bands.band(severity).limits()) {
                if (c.holds(value)) {
                    boolean high = c.op() == Comparison.Op.GT || c.op() == Comparison.Op.GE;
                    if (severity == Severity.CRITICAL) {
                        return Optional.of(high ? Interpretation.HH : Interpretation.LL);
                    }
                    return Optional.of(high ? Interpretation.H : Interpretation.L);
                }
            }
        }
        return Optional.empty();
    }
}
