package io.vitalwire.ingest.rules;

import java.util.Set;

/**
 * What the rules need to know about a patient: conditions (heart failure enables weight gain) and the thresholds
 * that apply (defaults, then the organization's overrides, then the patient's).
 *
 * @param patient the patient's logical id
 */
public record PatientProfile(String patient, Set<Condition> conditions, Thresholds thresholds) {

    public PatientProfile {
        conditions = Set.copyOf(conditions);
    }

    public boolean has(Condition condition) {
        return conditions.contains(condition);
    }
}
