package io.vitalwire.sims.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's main job as a test: the demo's two scenarios (device-sims/scenarios/home.yaml and
 * deteriorating-patient.yaml) run by the demo's own code against the stack, and what its report states checked —
 * against the scenarios' clinical expectations, and where it can be, against the FHIR server directly rather than
 * through the report's own queries. At the end nothing the demo started is left running.
 */
class DemoReportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(600)
    void homeAndDeterioratingPatient_reportWhatLandedAndTheAlertsAClinicianReceives() throws Exception {
        Path runDir = Path.of("target", "e2e-logs", "demo");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        DemoRun.Settings settings = new DemoRun.Settings(Path.of(".."), runDir,
                List.of(Path.of("scenarios", "home.yaml"), Path.of("scenarios", "deteriorating-patient.yaml")),
                ZoneId.of("Europe/Berlin"), out, false);

        DemoReport report = new DemoRun(settings).run();
        ReportText.print(report, out);
        // Beside the logs, not in them: the report names the scenarios' patients.
        Files.writeString(Path.of("target", "demo-report.txt"), printed.toString(StandardCharsets.UTF_8));

        // Every device measured what its scenario says; every CoAP measurement was answered 2.04.
        Map<String, DemoReport.DeviceLine> devices = report.devices().stream()
                .collect(Collectors.toMap(DemoReport.DeviceLine::device, Function.identity()));
        assertThat(devices.get("strap").measured()).isEqualTo(80);
        assertThat(devices.get("glucose-meter").measured()).isEqualTo(3);
        assertThat(devices.get("wrist-oximeter").measured()).isEqualTo(81);
        assertThat(report.devices()).filteredOn(d -> d.transport().equals("CoAP"))
                .allSatisfy(d -> assertThat(d.accepted()).as(d.device()).isEqualTo(d.measured()));
        assertThat(report.devices()).extracting(DemoReport.DeviceLine::transport).contains("BLE", "CoAP");

        // In FHIR and InfluxDB: every spot measurement once, every value once, the streams as windows.
        Map<String, DemoReport.PatientLine> patients = report.patients().stream()
                .collect(Collectors.toMap(DemoReport.PatientLine::name, Function.identity()));
        assertThat(report.patients()).allSatisfy(p -> {
            assertThat(p.spotObservations()).as(p.name()).isEqualTo(p.spotExpected()).isPositive();
            assertThat(p.points()).as(p.name()).isEqualTo(p.pointsExpected());
        });
        // Ana: 80 s of strap and 40 s of oximeter stream (two codes) span at least 2 + 2 minute windows.
        assertThat(patients.get("Ana Rivera").windows()).isBetween(4, 7);
        assertThat(patients.get("Ben Rivera").windows()).isZero();
        assertThat(patients.get("Carl Brandt").windows()).isBetween(4, 6);
        for (DemoReport.PatientLine p : report.patients()) {
            assertThat(fhirTotal(p.reference(), "Observation?subject=" + p.reference()))
                    .as("Observations of " + p.name() + " on the FHIR server")
                    .isEqualTo(p.spotObservations() + p.windows());
        }

        // Alerts: the thirteen the scenario expects (warning then critical for five vitals, the week's weight gain
        // yesterday — late — and today, the low battery), each once, signed, each with its Task; none for the
        // household with normal vitals.
        assertThat(report.missingAlerts()).isEmpty();
        assertThat(report.alerts()).hasSize(13).allSatisfy(a -> {
            assertThat(a.verified()).as(a.rule()).isTrue();
            assertThat(a.expected()).as(a.rule() + " " + a.severity()).isTrue();
            assertThat(a.task()).as(a.rule()).isNotNull();
            assertThat(a.patient()).as(a.rule()).isEqualTo("Carl Brandt");
        });
        assertThat(report.alerts()).filteredOn(DemoReport.AlertLine::late).extracting(DemoReport.AlertLine::rule)
                .containsExactly("weight-gain-7d");
        assertThat(report.alerts()).filteredOn(a -> a.severity().equals("critical"))
                .allSatisfy(a -> assertThat(a.task()).startsWith(a.kind().equals("operations") ? "routine" : "stat"));
        // Owners: the nurse licensed in Carl's state (not the one licensed only in New York) for clinical alerts, the
        // care coordinator for the battery.
        assertThat(report.alerts()).allSatisfy(a -> assertThat(a.task()).endsWith(a.kind().equals("operations")
                ? "owner Cole Park (care-coordinator)" : "owner Maya Ortiz (nurse)"));
        assertThat(report.alertsAsExpected()).isTrue();
        String carl = patients.get("Carl Brandt").reference();
        assertThat(fhirTotal(carl, "Task?patient=" + carl)).as("Tasks for Carl on the FHIR server").isEqualTo(13);

        // The page: a chart per vital sign of each patient, each clinical alert marked on its vital's chart (two per
        // rule here: the warning and the critical, or the two weight gains).
        Path page = Path.of("target", "demo-report.html");
        ReportHtml.write(report, page);
        String html = Files.readString(page);
        Map<String, String> carlsCharts = java.util.Arrays.stream(html.split("<h3>")).filter(h -> h.startsWith("Carl"))
                .flatMap(h -> java.util.Arrays.stream(h.split("<figure>")).skip(1))
                .collect(Collectors.toMap(f -> f.replaceAll("(?s).*?data-code=\"(\\d+)\".*", "$1"), f -> f));
        for (String code : List.of("150456", "150021", "150022", "150364", "188736")) {
            assertThat(carlsCharts).containsKey(code);
            assertThat(carlsCharts.get(code).split("<line class=\"alert ", -1)).as("alert marks on " + code)
                    .hasSize(3);
        }
        assertThat(html.split("<svg ", -1).length - 1).isEqualTo(report.series().size()).isGreaterThanOrEqualTo(12);

        // The unassigned glucose meter's reading is quarantined, not lost.
        assertThat(report.quarantine()).containsExactly(
                new DemoReport.QuarantineLine("new-glucose-meter", "UNASSIGNED_DEVICE", "AWAITING", 1));

        // The printed report says so, and the run left nothing running: gateway, cloud-ingest, dbus-daemon stopped.
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("every alert the scenarios expect, each once, and no other")
                .contains("13 with a verified signature");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
                .as("processes the demo started").isEmpty();
    }

    private static int fhirTotal(String what, String search) throws Exception {
        String base = System.getenv().getOrDefault("VW_FHIR_URL", "http://127.0.0.1:18080/fhir");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/" + search + "&_summary=count")).header("Cache-Control", "no-cache")
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).as(what).isEqualTo(200);
        return body.path("total").asInt();
    }
}
