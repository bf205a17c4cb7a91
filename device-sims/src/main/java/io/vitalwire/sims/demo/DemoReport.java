package io.vitalwire.sims.demo;

import java.time.Instant;
import java.util.List;

/**
 * What a demo run shows, every figure read back from where it landed (the FHIR server, InfluxDB, the webhook
 * receiver, cloud-ingest's admin API), never from what the simulators meant to send — so that a test can check the
 * report's claims against the scenarios' expectations.
 *
 * <p>{@code alertsElsewhere} counts the alerts the webhook received about the tenant's other gateways and patients
 * (a stack kept between runs holds earlier runs' gateways, alerted when silent for an hour): not this run's story.
 */
record DemoReport(String run, Instant started, Instant finished, String gateway, List<DeviceLine> devices,
                  List<PatientLine> patients, String fhirBase, String influxQuery, List<AlertLine> alerts,
                  int alertsElsewhere, List<String> missingAlerts, List<QuarantineLine> quarantine,
                  List<Series> series) {

    /**
     * One device: what it measured and, over CoAP, what the gateway answered 2.04 (a measurement tried again until
     * then counts once).
     *
     * @param clock the clock qualities its readings carry in InfluxDB ({@code synced}, {@code corrected}, …)
     */
    record DeviceLine(String scenario, String device, String transport, String kind, String patient, int measured,
                      Integer accepted, String clock) {
    }

    /**
     * One patient in FHIR and InfluxDB.
     *
     * @param spotExpected the spot Observations the run's measurements make (a cuff's or oximeter's reading makes
     *                     two: the measurement and its pulse rate)
     * @param windows      Observations of continuous streams, one per stream and minute
     * @param points       InfluxDB points, one per value (every stream sample's too)
     */
    record PatientLine(String name, String reference, int spotObservations, int spotExpected, int windows,
                       int points, int pointsExpected, String searchUrl) {
    }

    /**
     * One alert as the clinician's webhook received it.
     *
     * @param verified whether its signature verified with the Standard Webhooks library
     * @param expected whether a scenario expected it
     * @param task     the FHIR Task made of it: priority, status, owner or why none; null while none is found
     */
    record AlertLine(String severity, String rule, String kind, String patient, String value, Instant measuredAt,
                     boolean late, boolean verified, boolean expected, String task) {
    }

    /** Readings set aside for a person to look at, per device, reason and state (awaiting, replayed, dismissed). */
    record QuarantineLine(String device, String reason, String state, int readings) {
    }

    /**
     * One vital sign of one patient as InfluxDB holds it (every value, stream samples included), for the page's
     * charts.
     *
     * @param code the value's MDC code
     */
    record Series(String patient, String code, String label, String unit, List<Point> points) {
    }

    /** A value at its measurement time. */
    record Point(Instant at, double value) {
    }

    /** Every expected alert arrived, verified, with its Task, and nothing else arrived. */
    boolean alertsAsExpected() {
        return missingAlerts.isEmpty()
                && alerts.stream().allMatch(a -> a.expected() && a.verified() && a.task() != null);
    }
}
