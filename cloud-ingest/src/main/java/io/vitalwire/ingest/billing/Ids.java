package io.vitalwire.ingest.billing;

import java.util.regex.Pattern;

/** What the billing API accepts as ids. */
final class Ids {

    /** A FHIR logical id (R4: {@code [A-Za-z0-9\-\.]{1,64}}). */
    static final Pattern PATIENT = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    private Ids() {
    }
}
