package io.vitalwire.sims.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vitalwire.sims.bench.SignedWebhookReceiver;
import io.vitalwire.sims.scenario.HomeLayout;
import io.vitalwire.sims.scenario.Scenario;
import io.vitalwire.sims.scenario.ScenarioRun;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads back what a run left in the FHIR server, InfluxDB, the webhook receiver and cloud-ingest's quarantine. */
final class ReportGatherer {

    static final String WINDOW_SYSTEM = "https://vitalwire.io/fhir/NamingSystem/reading-window";
    static final String ALERT_SYSTEM = "https://vitalwire.io/fhir/NamingSystem/alert";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HomeLayout layout;
    private final ScenarioRun run;
    private final DemoServices services;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> names = new HashMap<>();

    ReportGatherer(HomeLayout layout, ScenarioRun run, DemoServices services) {
        this.layout = layout;
        this.run = run;
        this.services = services;
        run.patientNames().forEach((id, name) -> names.put("Patient/" + run.patients().get(id), name));
    }

    DemoReport gather(Instant started) throws IOException, InterruptedException {
        List<DemoReport.DeviceLine> devices = new ArrayList<>();
        for (ScenarioRun.DeviceTally t : run.tallies()) {
            HomeLayout.HomeDevice d = t.device();
            Scenario.Device spec = d.device();
            String patient = !spec.users().isEmpty()
                    ? String.join(" + ", spec.users().values().stream().map(this::firstName).toList())
                    : spec.patient() == null ? "(unassigned)" : firstName(spec.patient());
            devices.add(new DemoReport.DeviceLine(d.scenario().name(), d.id(), d.transport(),
                    String.valueOf(spec.kind()), patient, t.measured(), d.ble() ? null : t.accepted(),
                    clockQualities(d.serial())));
        }
        List<DemoReport.PatientLine> patients = new ArrayList<>();
        Map<String, Integer> spotExpected = run.spotObservationsExpected();
        Map<String, Integer> pointsExpected = run.pointsExpected();
        for (Map.Entry<String, String> p : run.patientNames().entrySet()) {
            String id = run.patients().get(p.getKey());
            int all = observations(id, "");
            int windows = observations(id, "&identifier=" + enc(WINDOW_SYSTEM + "|"));
            patients.add(new DemoReport.PatientLine(p.getValue(), "Patient/" + id, all - windows,
                    spotExpected.getOrDefault(p.getKey(), 0), windows, points(id),
                    pointsExpected.getOrDefault(p.getKey(), 0),
                    fhir() + "/Observation?subject=Patient/" + id + "&_sort=-date"));
        }
        List<DemoReport.AlertLine> alerts = new ArrayList<>();
        int elsewhere = alerts(started, alerts);
        return new DemoReport(layout.run(), started, Instant.now(), DemoServices.GATEWAY_ID, devices, patients,
                fhir(), services.stack.influxUrl() + "/query?db=" + services.stack.influxDb()
                + "&q=SELECT+*+FROM+vitals+WHERE+patient='<id>'", alerts, elsewhere, missing(alerts), quarantine(),
                series());
    }

    /** The MDC codes the report charts, with what a clinician calls them. */
    private static final Map<String, String> VITALS = Map.of("147842", "Heart rate", "149530", "Pulse rate (oximeter)",
            "149546", "Pulse rate (cuff)", "150021", "Systolic", "150022", "Diastolic", "150364", "Body temperature",
            "188736", "Body weight", "150456", "SpO2", "160184", "Blood glucose");

    /** Each patient's values per vital sign from InfluxDB, in time order. */
    private List<DemoReport.Series> series() throws IOException, InterruptedException {
        List<DemoReport.Series> all = new ArrayList<>();
        for (Map.Entry<String, String> p : run.patientNames().entrySet()) {
            String q = "SELECT value, unit FROM vitals WHERE patient='" + run.patients().get(p.getKey())
                    + "' GROUP BY code";
            JsonNode body = JSON.readTree(send(URI.create(services.stack.influxUrl() + "/query?epoch=ms&db="
                    + enc(services.stack.influxDb()) + "&q=" + enc(q))));
            for (JsonNode s : body.path("results").path(0).path("series")) {
                String code = s.path("tags").path("code").asText();
                if (!VITALS.containsKey(code)) {
                    continue;
                }
                List<DemoReport.Point> points = new ArrayList<>();
                String unit = "";
                for (JsonNode v : s.path("values")) {
                    points.add(new DemoReport.Point(Instant.ofEpochMilli(v.path(0).asLong()), v.path(1).asDouble()));
                    unit = v.path(2).asText();
                }
                all.add(new DemoReport.Series(p.getValue(), code, VITALS.get(code), unit, points));
            }
        }
        return all;
    }

    /** The clock qualities the device's points carry in InfluxDB, e.g. "synced" or "corrected". */
    private String clockQualities(String serial) throws IOException, InterruptedException {
        // Serials here are letters, digits and dashes: nothing a regular expression would read as syntax.
        String q = "SELECT count(value) FROM vitals WHERE device =~ /^sn\\." + serial + "/ GROUP BY clock_quality";
        JsonNode body = JSON.readTree(send(URI.create(services.stack.influxUrl() + "/query?db="
                + enc(services.stack.influxDb()) + "&q=" + enc(q))));
        List<String> qualities = new ArrayList<>();
        body.path("results").path(0).path("series").forEach(s -> qualities.add(s.path("tags")
                .path("clock_quality").asText()));
        return qualities.isEmpty() ? "-" : String.join(",", qualities);
    }

    /** Observations of the patient in FHIR now (quick, for the progress line). */
    int observations() throws IOException, InterruptedException {
        int sum = 0;
        for (String id : run.patients().values()) {
            sum += observations(id, "");
        }
        return sum;
    }

    private int observations(String patient, String filter) throws IOException, InterruptedException {
        return fhirGet("/Observation?subject=Patient/" + patient + filter + "&_summary=count").path("total").asInt();
    }

    private int points(String patient) throws IOException, InterruptedException {
        String q = "SELECT count(value) FROM vitals WHERE patient='" + patient + "'";
        JsonNode body = JSON.readTree(send(URI.create(services.stack.influxUrl() + "/query?db="
                + enc(services.stack.influxDb()) + "&q=" + enc(q))));
        JsonNode series = body.path("results").path(0).path("series");
        return series.isEmpty() ? 0 : series.path(0).path("values").path(0).path(1).asInt();
    }

    /**
     * The webhook's alerts about this run, once each (a retry repeats the webhook-id), oldest first, into
     * {@code lines}. The endpoint hears the whole tenant: on a stack kept between runs, a gateway of an earlier run
     * silent for an hour is alerted during this one. Those are counted, not shown as this run's.
     *
     * @return how many alerts about other patients and gateways, or about this gateway before the run, arrived
     */
    private int alerts(Instant started, List<DemoReport.AlertLine> lines) throws IOException, InterruptedException {
        Map<String, SignedWebhookReceiver.Request> once = new LinkedHashMap<>();
        for (SignedWebhookReceiver.Request r : services.receiver.received()) {
            once.putIfAbsent(r.webhookId(), r);
        }
        List<Scenario.Alert> unmatched = expectedAlerts();
        int elsewhere = 0;
        for (SignedWebhookReceiver.Request r : once.values()) {
            JsonNode body = JSON.readTree(r.body());
            if (!"alert.raised".equals(body.path("type").asText())) {
                continue;
            }
            JsonNode d = body.path("data");
            String patient = d.path("patient").isNull() ? null : d.path("patient").asText();
            String measured = d.path("measuredAt").asText(null);
            if (!aboutThisRun(run.patients().values(), patient, d.path("gateway").asText(null),
                    measured == null ? null : Instant.parse(measured), started)) {
                elsewhere++;
                continue;
            }
            boolean late = d.path("late").asBoolean();
            Scenario.Alert match = unmatched.stream().filter(e -> e.rule().equals(d.path("rule").asText())
                    && e.severity().equals(d.path("severity").asText())
                    && (e.patient() == null || ("Patient/" + run.patients().get(e.patient())).equals(patient))
                    && (e.late() == null || e.late() == late)).findFirst().orElse(null);
            unmatched.remove(match);
            String value = d.path("value").isNull() ? "-" : d.path("value").asText() + " " + d.path("unit").asText();
            lines.add(new DemoReport.AlertLine(d.path("severity").asText(), d.path("rule").asText(),
                    d.path("kind").asText(), patient == null ? "-" : names.getOrDefault(patient, patient), value,
                    measured == null ? null : Instant.parse(measured), late, r.verified(), match != null,
                    task(d.path("alertId").asText())));
        }
        return elsewhere;
    }

    /** About one of this run's patients, or about its gateway since the run began. */
    static boolean aboutThisRun(Collection<String> patients, String patient, String gateway, Instant measuredAt,
                                Instant started) {
        if (patient != null) {
            return patients.contains(patient.substring(patient.indexOf('/') + 1));
        }
        return DemoServices.GATEWAY_ID.equals(gateway) && (measuredAt == null || !measuredAt.isBefore(started));
    }

    private List<Scenario.Alert> expectedAlerts() {
        List<Scenario.Alert> all = new ArrayList<>();
        layout.scenarios().forEach(s -> all.addAll(s.expect().alerts()));
        return all;
    }

    private List<String> missing(List<DemoReport.AlertLine> received) {
        List<String> missing = new ArrayList<>();
        List<DemoReport.AlertLine> left = new ArrayList<>(received.stream().filter(DemoReport.AlertLine::expected)
                .toList());
        for (Scenario.Alert e : expectedAlerts()) {
            String who = e.patient() == null ? null : run.patientNames().get(e.patient());
            DemoReport.AlertLine hit = left.stream().filter(a -> a.rule().equals(e.rule())
                    && a.severity().equals(e.severity()) && (who == null || who.equals(a.patient()))
                    && (e.late() == null || e.late() == a.late())).findFirst().orElse(null);
            if (hit == null) {
                missing.add(e.severity() + " " + e.rule() + (who == null ? "" : " for " + who)
                        + (Boolean.TRUE.equals(e.late()) ? " (late)" : ""));
            } else {
                left.remove(hit);
            }
        }
        return missing;
    }

    /** The alert's FHIR Task: "stat, requested, owner Practitioner/7" or "…, no owner: no-care-team". */
    private String task(String alertId) throws IOException, InterruptedException {
        JsonNode bundle = fhirGet("/Task?identifier=" + enc(ALERT_SYSTEM + "|" + alertId));
        JsonNode task = bundle.path("entry").path(0).path("resource");
        if (task.isMissingNode()) {
            return null;
        }
        String owner = task.path("owner").path("reference").asText("");
        String reason = task.path("statusReason").path("coding").path(0).path("code").asText("");
        return task.path("priority").asText() + ", " + task.path("status").asText() + ", "
                + (owner.isEmpty() ? "no owner" + (reason.isEmpty() ? "" : ": " + reason)
                : "owner " + run.practitioners().getOrDefault(owner, owner));
    }

    private List<DemoReport.QuarantineLine> quarantine() throws IOException, InterruptedException {
        List<DemoReport.QuarantineLine> lines = new ArrayList<>();
        for (HomeLayout.HomeDevice d : layout.devices()) {
            JsonNode page = services.admin.get("/admin/quarantine?limit=500&device=" + enc(d.serial()));
            Map<List<String>, Integer> reasons = new LinkedHashMap<>();
            page.path("entries").forEach(e -> reasons.merge(List.of(e.path("reason").asText(),
                    e.path("state").asText()), 1, Integer::sum));
            reasons.forEach((why, n) -> lines.add(new DemoReport.QuarantineLine(d.id(), why.get(0), why.get(1), n)));
        }
        return lines;
    }

    private String firstName(String scenarioPatient) {
        String name = run.patientNames().get(scenarioPatient);
        return name == null ? scenarioPatient : name;
    }

    private String fhir() {
        String base = services.stack.fhirUrl();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private JsonNode fhirGet(String path) throws IOException, InterruptedException {
        return JSON.readTree(send(URI.create(fhir() + path)));
    }

    private String send(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Cache-Control", "no-cache")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(uri.getPath() + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
