package io.vitalwire.sims.demo;

import java.io.PrintStream;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** The report as a person reads it in ten seconds on a terminal. */
final class ReportText {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.of("UTC"));
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm")
            .withZone(ZoneId.of("UTC"));

    private ReportText() {
    }

    static void print(DemoReport r, PrintStream out) {
        out.printf("%nVitalwire demo, run %s: %s-%s UTC, gateway %s%n", r.run(), TIME.format(r.started()),
                TIME.format(r.finished()), r.gateway());

        out.printf("%nReadings sent%n");
        out.printf("  %-22s %-20s %-5s %-20s %-24s %8s %8s  %s%n", "scenario", "device", "via", "kind", "patient",
                "measured", "accepted", "clock");
        for (DemoReport.DeviceLine d : r.devices()) {
            out.printf("  %-22s %-20s %-5s %-20s %-24s %8d %8s  %s%n", d.scenario(), d.device(), d.transport(),
                    d.kind(), d.patient(), d.measured(), d.accepted() == null ? "-" : d.accepted(), d.clock());
        }

        out.printf("%nIn FHIR (%s) and InfluxDB%n", r.fhirBase());
        for (DemoReport.PatientLine p : r.patients()) {
            out.printf("  %-12s %-14s %3d spot Observations (%d expected), %2d stream windows, %4d points (%d expected)%n",
                    p.name(), p.reference(), p.spotObservations(), p.spotExpected(), p.windows(), p.points(),
                    p.pointsExpected());
            out.printf("  %-12s %s%n", "", p.searchUrl());
        }
        out.printf("  stream windows: one Observation per stream and minute, its median as the value and every sample"
                + " in SampledData%n");
        out.printf("  InfluxDB: %s%n", r.influxQuery());

        long verified = r.alerts().stream().filter(DemoReport.AlertLine::verified).count();
        out.printf("%nAlerts the clinician's webhook received: %d, %d with a verified signature (Standard Webhooks)%n",
                r.alerts().size(), verified);
        out.printf("  %-8s %-17s %-10s %-14s %-12s %-11s %-4s %-9s %s%n", "severity", "rule", "kind", "patient",
                "value", "measured", "late", "signature", "FHIR Task");
        for (DemoReport.AlertLine a : r.alerts()) {
            out.printf("  %-8s %-17s %-10s %-14s %-12s %-11s %-4s %-9s %s%s%n", a.severity(), a.rule(), a.kind(),
                    a.patient(), a.value(), a.measuredAt() == null ? "-" : DAY_TIME.format(a.measuredAt()),
                    a.late() ? "yes" : "no", a.verified() ? "verified" : "REFUSED",
                    a.task() == null ? "none yet" : a.task(), a.expected() ? "" : "  (not expected)");
        }
        r.missingAlerts().forEach(m -> out.printf("  expected, not received: %s%n", m));
        if (r.alertsElsewhere() > 0) {
            out.printf("  and %d about the tenant's other gateways and patients (earlier runs on this stack), not"
                    + " this run's%n", r.alertsElsewhere());
        }
        out.printf("  %s%n", r.alertsAsExpected() ? "every alert the scenarios expect, each once, and no other"
                : "NOT as the scenarios expect (see above)");

        out.printf("%nQuarantine: readings set aside for a person, never dropped%n");
        if (r.quarantine().isEmpty()) {
            out.printf("  none%n");
        }
        for (DemoReport.QuarantineLine q : r.quarantine()) {
            out.printf("  %-20s %-22s %-9s %d reading(s)%n", q.device(), q.reason(), q.state().toLowerCase(
                    java.util.Locale.ROOT), q.readings());
        }
    }
}
