package io.vitalwire.ingest.billing;

import java.util.regex.Pattern;

/** What the billing API accepts as ids. */
final class Ids {

    /** A topic segment, as the contract's Topic allows it. */
    static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** A FHIR logical id (R4: {@code [A-Za-z0-9\-\.]{1,64}}). */
    static final Pattern PATIENT = Pattern.compile("[A-Za-z0-9.-]{1,64}");

    private Ids() {
    }
}
