package io.vitalwire.ingest.fhir;

import io.vitalwire.contract.Reading;
import java.util.Map;

/**
 * Where the FHIR stage learns which of a reading's values are beyond the patient's alert bands. Implemented by the
 * rules (the same bands and canonical values as the alerts), so that the record and the alerts never disagree, while
 * this package depends on nothing of theirs.
 */
public interface InterpretationSource {

    /**
     * The interpretation of each value beyond a band, by the value's MDC code; values within every band are left out.
     *
     * @throws RuntimeException when the patient's thresholds cannot be read (PostgreSQL): the claim is retried
     */
    Map<String, Interpretation> of(String tenant, String patientId, Reading reading);
}
