package io.vitalwire.sims.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files as people write them: the shipped ones valid, drifts as documented, mistakes refused by name. */
class ScenarioTest {

    @TempDir
    Path dir;

    @Test
    void theShippedScenarios_areValid_andPlanWhatTheirCommentsSay() throws IOException {
        Scenario home = Scenario.read(Path.of("scenarios", "home.yaml"));
        Scenario carl = Scenario.read(Path.of("scenarios", "deteriorating-patient.yaml"));
        HomeLayout layout = HomeLayout.of("t1", List.of(home, carl));
        assertThat(layout.devices()).hasSize(13);
        assertThat(layout.allowList().split(",")).hasSize(7);
        assertThat(layout.device("wifi-cuff").serial()).isEqualTo("SIM-WIFI-CUFF-t1");

        List<Planned> strap = Timeline.plan(home).stream().filter(p -> p.device().equals("strap")).toList();
        assertThat(strap).hasSize(80);
        assertThat(strap.get(79).at()).isEqualTo(Duration.ofSeconds(81));
        assertThat(carl.expect().alerts()).hasSize(13);
    }

    @Test
    void aDrift_goesFromFirstToLastInEqualSteps_withTheDecimalsWritten() throws IOException {
        Scenario s = read("""
                name: drift
                patients: [{id: p, given: A, family: B}]
                devices: [{id: t, transport: coap, kind: thermometer, patient: p}]
                steps:
                  - {at: 1s, device: t, every: 20s, count: 4, measured-ago: [3d, 0s], measure: {temperature: [37.1, 39.7]}}
                """);
        List<Planned> plan = Timeline.plan(s);
        assertThat(plan).extracting(p -> ((Planned.Measure) p.action()).vitals().value("temperature"))
                .containsExactly(new BigDecimal("37.1"), new BigDecimal("38.0"), new BigDecimal("38.8"),
                        new BigDecimal("39.7"));
        assertThat(plan).extracting(p -> ((Planned.Measure) p.action()).ago())
                .containsExactly(Duration.ofDays(3), Duration.ofDays(2), Duration.ofDays(1), Duration.ZERO);
        assertThat(plan).extracting(Planned::at).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(21),
                Duration.ofSeconds(41), Duration.ofSeconds(61));
    }

    @Test
    void mistakes_areRefusedByName() {
        assertThatThrownBy(() -> read("""
                name: typo
                devices: [{id: t, transport: coap, kind: thermometer}]
                steps: [{at: 1s, device: t, mesure: {temperature: 37}}]
                """)).hasMessageContaining("mesure");
        assertThatThrownBy(() -> read("""
                name: wrong
                patients: [{id: p, given: A, family: B}]
                devices:
                  - {id: t, transport: coap, kind: toaster, patient: p}
                  - {id: c, transport: ble, kind: blood-pressure-cuff, users: {1: p, 2: nobody}}
                steps:
                  - {at: 1s, device: x, measure: {temperature: 37}}
                  - {at: 2s, device: c, measure: {systolic: 120, diastolic: 80, pulse: 60}}
                  - {at: 3s, device: t, count: 3, measure: {temperature: 37}}
                """)).hasMessageContaining("device t: No enum constant")
                .hasMessageContaining("unknown user patient nobody")
                .hasMessageContaining("unknown device x")
                .hasMessageContaining("names one of its users")
                .hasMessageContaining("count without every");
    }

    @Test
    void twoScenarios_cannotShareABleDevice() throws IOException {
        Scenario a = read("""
                name: a
                devices: [{id: s1, transport: ble, kind: scale}]
                """);
        Scenario b = read("""
                name: b
                devices: [{id: s2, transport: ble, kind: scale}]
                """);
        assertThatThrownBy(() -> HomeLayout.of("t", List.of(a, b))).hasMessageContaining("one of each kind");
    }

    private Scenario read(String yaml) throws IOException {
        Path file = Files.writeString(Files.createTempFile(dir, "scenario", ".yaml"), yaml);
        return Scenario.read(file);
    }
}
