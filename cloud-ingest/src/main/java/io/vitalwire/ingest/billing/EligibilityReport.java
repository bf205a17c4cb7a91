package io.vitalwire.ingest.billing;

import java.util.List;

/**
 * One page of the billing report: the period, the codes judged, and per patient the days with readings. Dates are
 * ISO-8601 ({@code YYYY-MM-DD}) text.
 *
 * @param next the {@code after} of the next page, or null on the last one
 */
public record EligibilityReport(String tenant, String periodStart, String periodEnd, int periodDays,
                                List<Threshold> codes, List<PatientPeriod> patients, String next) {

    /** A code and the days a period needs for it (maxDays null: no upper bound). */
    public record Threshold(String code, int minDays, Integer maxDays) {
    }

    /**
     * A patient's period.
     *
     * @param zone            the patient's time zone in force now
     * @param countedInZones  the zones the period's days were counted in (more than one: the zone changed)
     * @param daysWithReadings distinct days with at least one transmitted reading
     * @param dates           those days
     * @param meets           the codes the period meets
     */
    public record PatientPeriod(String patient, String zone, List<String> countedInZones, int daysWithReadings,
                                List<String> dates, List<String> meets) {
    }

    /** The report as CSV (RFC 4180, header row, CRLF), one row per patient; a column per code: true/false. */
    String csv() {
        StringBuilder out = new StringBuilder("tenant,patient,period_start,period_end,days_with_readings");
        codes.forEach(c -> out.append(",meets_").append(c.code()));
        out.append(",time_zone,counted_in_zones,dates\r\n");
        for (PatientPeriod p : patients) {
            out.append(field(tenant)).append(',').append(field(p.patient())).append(',').append(periodStart)
                    .append(',').append(periodEnd).append(',').append(p.daysWithReadings());
            codes.forEach(c -> out.append(',').append(p.meets().contains(c.code())));
            out.append(',').append(field(p.zone())).append(',').append(field(String.join(" ", p.countedInZones())))
                    .append(',').append(field(String.join(" ", p.dates()))).append("\r\n");
        }
        return out.toString();
    }

    /**
     * Quoted when it holds a comma, quote or line break (RFC 4180). Written by hand rather than with a CSV library:
     * every field is an id, a date, a zone name or a code, and this is the whole of the quoting they could need. A
     * field starting with a spreadsheet formula character is prefixed with an apostrophe (none of our ids can, but
     * a spreadsheet must never run what a column holds).
     */
    private static String field(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
