package io.vitalwire.ingest.fhir;

/**
 * HL7 v3 ObservationInterpretation of a value beyond an alert band, as the FHIR stage puts it on an Observation: H/L
 * for the warning band, HH/LL for the critical one. Which values get one is the rules' decision
 * ({@link InterpretationSource}).
 */
public enum Interpretation {
    H("High"), L("Low"), HH("Critical high"), LL("Critical low");

    /** The code system of {@code Observation.interpretation}. */
    public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

    private final String display;

    Interpretation(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }
}
