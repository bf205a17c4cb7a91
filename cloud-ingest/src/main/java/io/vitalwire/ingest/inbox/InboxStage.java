package io.vitalwire.ingest.inbox;

import java.util.Locale;

/**
 * The stages an inbox entry goes through, each with its own state per entry ({@link InboxState}) and its own
 * workers: RESOLVE first, then FHIR and INFLUX independently of each other, so a slow or failing FHIR server does
 * not hold back the time series, nor InfluxDB the clinical record.
 */
public enum InboxStage {
    /**
     * Whose reading it is: the device's patient at the measurement time (a FHIR read, cached), decided once and kept
     * on the entry for both sinks; or the reading is quarantined (unknown, unassigned or conflicting device, a value
     * no Observation can hold). Needs the FHIR server unless the device's assignments are cached.
     */
    RESOLVE,
    /**
     * The clinical record: a spot measurement written as its Observation (conditional create on the reading key), a
     * stream sample stored in its window (whose Observation the window closer writes); quarantined when the FHIR
     * server refuses it for good.
     */
    FHIR,
    /** The time series: the reading's values as InfluxDB points; quarantined when InfluxDB refuses them for good. */
    INFLUX;

    /** The metric tag and the name in the admin API and health. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
