package io.vitalwire.sims.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operations-faults scenario (device-sims/scenarios/operations-faults.yaml) run as the demo runs it: a hub power
 * cut (gateway SIGKILLed, BLE adapter dark), its Wi-Fi lost, a thermometer whose clock runs 25 minutes fast, a
 * glucose meter assigned after it measured. Its report must show nothing lost, the backlog's alert late, the clock
 * corrected and the quarantined reading replayed.
 */
class OperationsFaultsReportIT {

    @Test
    @Timeout(600)
    void powerCutWifiLossDriftingClockLateAssignment_nothingLostAndEachHandled() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        DemoRun.Settings settings = new DemoRun.Settings(Path.of(".."), Path.of("target", "e2e-logs", "demo-ops"),
                List.of(Path.of("scenarios", "operations-faults.yaml")), ZoneId.of("America/New_York"), out, false);

        DemoReport report = new DemoRun(settings).run();
        ReportText.print(report, out);
        Files.writeString(Path.of("target", "demo-ops-report.txt"), printed.toString(StandardCharsets.UTF_8));

        Map<String, DemoReport.DeviceLine> devices = report.devices().stream()
                .collect(Collectors.toMap(DemoReport.DeviceLine::device, Function.identity()));
        // Every Wi-Fi measurement taken, those during the power cut included, was acknowledged once.
        assertThat(devices.get("dana-cuff").measured()).isEqualTo(10);
        assertThat(report.devices()).filteredOn(d -> d.transport().equals("CoAP"))
                .allSatisfy(d -> assertThat(d.accepted()).as(d.device()).isEqualTo(d.measured()));
        // Nothing lost through the SIGKILL and the lost Wi-Fi, nothing doubled: every measurement once in FHIR and
        // every value once in InfluxDB — the assigned glucose meter's replayed reading among them.
        DemoReport.PatientLine dana = report.patients().get(0);
        assertThat(dana.spotObservations()).isEqualTo(dana.spotExpected()).isEqualTo(2 * 10 + 1 + 4 + 1);
        assertThat(dana.points()).isEqualTo(dana.pointsExpected()).isEqualTo(4 * 10 + 1 + 4 + 1);
        // The thermometer's times corrected by its clock's offset, read through Current Time.
        assertThat(devices.get("drifting-thermometer").clock()).isEqualTo("corrected");
        // The high blood pressure measured while the Wi-Fi was down: one alert, late, to the nurse licensed in Dana's
        // state.
        assertThat(report.alerts()).singleElement().satisfies(a -> {
            assertThat(a.rule()).isEqualTo("systolic");
            assertThat(a.late()).isTrue();
            assertThat(a.verified()).isTrue();
            assertThat(a.task()).endsWith("owner Ines Lowe (nurse)");
        });
        assertThat(report.alertsAsExpected()).isTrue();
        // Quarantined while unassigned, replayed once assigned.
        assertThat(report.quarantine()).containsExactly(
                new DemoReport.QuarantineLine("spare-meter", "UNASSIGNED_DEVICE", "REPLAYED", 1));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
                .as("processes the run started").isEmpty();
    }
}
