package io.vitalwire.sims.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report as one self-contained HTML page (no script, no external asset): the report's tables, and a chart per
 * patient and vital sign of every value InfluxDB holds, with each clinical alert marked where its reading was
 * measured — orange a warning, red a critical.
 */
final class ReportHtml {

    private static final int WIDTH = 520;
    private static final int HEIGHT = 150;
    private static final int PAD = 36;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss")
            .withZone(ZoneId.of("UTC"));
    /** Which vital signs (MDC codes) an alert rule is about. */
    private static final Map<String, Set<String>> RULE_CODES = Map.of(
            "spo2", Set.of("150456"),
            "heart-rate", Set.of("147842", "149530", "149546"),
            "systolic", Set.of("150021"),
            "diastolic", Set.of("150022"),
            "temperature", Set.of("150364"),
            "weight-gain-24h", Set.of("188736"),
            "weight-gain-7d", Set.of("188736"),
            "glucose", Set.of("160184"));

    private ReportHtml() {
    }

    static void write(DemoReport r, Path file) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vitalwire demo ")
                .append(esc(r.run())).append("</title>\n<style>body{font:14px sans-serif;margin:2em;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
                + "text-align:left}th{background:#f3f3f3}.warning{color:#c60}.critical{color:#c00;font-weight:bold}"
                + "svg{background:#fafafa;border:1px solid #ddd;margin:4px}figure{display:inline-block;margin:0 8px}"
                + "figcaption{font-size:12px}</style></head><body>\n");
        h.append("<h1>Vitalwire demo, run ").append(esc(r.run())).append("</h1><p>")
                .append(TIME.format(r.started())).append(" to ").append(TIME.format(r.finished()))
                .append(" UTC, gateway ").append(esc(r.gateway())).append("</p>\n");

        h.append("<h2>Readings sent</h2><table><tr><th>scenario</th><th>device</th><th>via</th><th>kind</th>"
                + "<th>patient</th><th>measured</th><th>accepted (CoAP 2.04)</th><th>clock</th></tr>\n");
        for (DemoReport.DeviceLine d : r.devices()) {
            row(h, d.scenario(), d.device(), d.transport(), d.kind(), d.patient(), d.measured(),
                    d.accepted() == null ? "-" : d.accepted(), d.clock());
        }
        h.append("</table>\n<h2>In FHIR and InfluxDB</h2><table><tr><th>patient</th><th>spot Observations</th>"
                + "<th>stream windows</th><th>InfluxDB points</th><th>FHIR search</th></tr>\n");
        for (DemoReport.PatientLine p : r.patients()) {
            h.append("<tr><td>").append(esc(p.name())).append("</td><td>").append(p.spotObservations())
                    .append(" (").append(p.spotExpected()).append(" expected)</td><td>").append(p.windows())
                    .append("</td><td>").append(p.points()).append(" (").append(p.pointsExpected())
                    .append(" expected)</td><td><a href=\"").append(esc(p.searchUrl())).append("\">")
                    .append(esc(p.reference())).append("</a></td></tr>\n");
        }
        h.append("</table>\n<h2>Alerts the clinician's webhook received</h2><p>")
                .append(r.alertsAsExpected() ? "Every alert the scenarios expect, each once, and no other."
                        : "Not as the scenarios expect: " + esc(String.join("; ", r.missingAlerts())))
                .append(r.alertsElsewhere() == 0 ? "" : " And " + r.alertsElsewhere()
                        + " about the tenant's other gateways and patients (earlier runs on this stack), not this run's.")
                .append("</p><table><tr><th>severity</th><th>rule</th><th>kind</th><th>patient</th><th>value</th>"
                        + "<th>measured (UTC)</th><th>late</th><th>signature</th><th>FHIR Task</th></tr>\n");
        for (DemoReport.AlertLine a : r.alerts()) {
            h.append("<tr class=\"").append(esc(a.severity())).append("\">");
            cells(h, a.severity(), a.rule(), a.kind(), a.patient(), a.value(),
                    a.measuredAt() == null ? "-" : TIME.format(a.measuredAt()), a.late() ? "yes" : "no",
                    a.verified() ? "verified" : "REFUSED", a.task() == null ? "none yet" : a.task());
            h.append("</tr>\n");
        }
        h.append("</table>\n<h2>Quarantine</h2>");
        if (r.quarantine().isEmpty()) {
            h.append("<p>none</p>\n");
        } else {
            h.append("<table><tr><th>device</th><th>reason</th><th>state</th><th>readings</th></tr>\n");
            r.quarantine().forEach(q -> row(h, q.device(), q.reason(), q.state(), q.readings()));
            h.append("</table>\n");
        }

        h.append("<h2>Vital signs</h2>\n");
        String patient = null;
        for (DemoReport.Series s : r.series()) {
            if (!s.patient().equals(patient)) {
                patient = s.patient();
                h.append("<h3>").append(esc(patient)).append("</h3>\n");
            }
            chart(h, s, r.alerts().stream().filter(a -> s.patient().equals(a.patient()) && a.measuredAt() != null
                    && RULE_CODES.getOrDefault(a.rule(), Set.of()).contains(s.code())).toList());
        }
        h.append("</body></html>\n");
        Files.writeString(file, h.toString());
    }

    /** One vital sign: its values as a line with a dot each, its alerts as vertical marks. */
    private static void chart(StringBuilder h, DemoReport.Series s, List<DemoReport.AlertLine> alerts) {
        Instant from = s.points().get(0).at();
        Instant to = s.points().get(s.points().size() - 1).at();
        for (DemoReport.AlertLine a : alerts) {
            from = a.measuredAt().isBefore(from) ? a.measuredAt() : from;
            to = a.measuredAt().isAfter(to) ? a.measuredAt() : to;
        }
        double span = Math.max(1, Duration.between(from, to).toMillis());
        double min = s.points().stream().mapToDouble(DemoReport.Point::value).min().orElse(0);
        double max = s.points().stream().mapToDouble(DemoReport.Point::value).max().orElse(1);
        double range = max - min < 1e-9 ? 1 : max - min;
        Instant start = from;
        java.util.function.ToDoubleFunction<Instant> x = t -> PAD + (WIDTH - 2 * PAD)
                * Duration.between(start, t).toMillis() / span;
        java.util.function.DoubleUnaryOperator y = v -> HEIGHT - PAD + (v - min) / range * (2 * PAD - HEIGHT) + 12;
        h.append("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" data-code=\"").append(esc(s.code())).append("\">");
        for (DemoReport.AlertLine a : alerts) {
            double ax = x.applyAsDouble(a.measuredAt());
            h.append(String.format(Locale.ROOT, "<line class=\"alert %s\" x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"%s\" stroke-width=\"2\"><title>%s %s %s</title></line>", esc(a.severity()), ax, ax,
                    HEIGHT - PAD + 14, a.severity().equals("critical") ? "#c00" : "#e80", esc(a.severity()),
                    esc(a.rule()), esc(a.value())));
        }
        StringBuilder line = new StringBuilder();
        for (DemoReport.Point p : s.points()) {
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(p.at()), y.applyAsDouble(p.value())));
        }
        h.append("<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"").append(line.toString().strip())
                .append("\"/>");
        if (s.points().size() <= 30) {
            for (DemoReport.Point p : s.points()) {
                h.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#36c\"/>",
                        x.applyAsDouble(p.at()), y.applyAsDouble(p.value())));
            }
        }
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\" font-size=\"10\">%s</text>",
                y.applyAsDouble(max), fmt(max)));
        h.append(String.format(Locale.ROOT, "<text x=\"4\" y=\"%.1f\" font-size=\"10\">%s</text>",
                y.applyAsDouble(min), fmt(min)));
        h.append("<text x=\"").append(PAD).append("\" y=\"").append(HEIGHT - 4).append("\" font-size=\"10\">")
                .append(TIME.format(from)).append("</text><text x=\"").append(WIDTH - PAD - 80).append("\" y=\"")
                .append(HEIGHT - 4).append("\" font-size=\"10\">").append(TIME.format(to)).append("</text></svg>")
                .append("<figcaption>").append(esc(s.label())).append(" (").append(esc(s.unit())).append("), ")
                .append(s.points().size()).append(" values, ").append(alerts.size()).append(" alert(s)")
                .append("</figcaption></figure>\n");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static void row(StringBuilder h, Object... cells) {
        h.append("<tr>");
        cells(h, cells);
        h.append("</tr>\n");
    }

    private static void cells(StringBuilder h, Object... cells) {
        for (Object c : cells) {
            h.append("<td>").append(esc(String.valueOf(c))).append("</td>");
        }
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
