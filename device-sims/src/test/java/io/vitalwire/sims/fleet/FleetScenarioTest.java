package io.vitalwire.sims.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.gateway.normalize.DeviceMeasurement;
import io.vitalwire.gateway.normalize.Normalizer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FleetScenarioTest {

    private static final Path SCENARIO = Path.of("scenarios/fleet.yaml");

    @Test
    void load_shippedScenario_sixDevicesAndOneHubInTwentyWithAStrap() throws Exception {
        FleetScenario scenario = FleetScenario.load(SCENARIO).withGateways(1000);
        List<FleetHub> hubs = FleetHub.of(scenario);

        assertThat(scenario.devices()).hasSize(6);
        assertThat(hubs.stream().filter(FleetHub::hasWearable).count()).isEqualTo(50);
        assertThat(hubs.get(19).devices()).hasSize(7);
        assertThat(hubs.get(0).devices()).hasSize(6);
        // 12 readings a hub a day, 60× faster: 1000 hubs send 8.3 spot readings a second.
        assertThat(scenario.spotReadingsPerSecond()).isBetween(8.3, 8.4);
    }

    @Test
    void hub_namesAreTopicSegmentsAndSerialsUnique() throws Exception {
        List<FleetHub> hubs = FleetHub.of(FleetScenario.load(SCENARIO).withGateways(40));

        assertThat(hubs).extracting(FleetHub::gatewayId).allMatch(id -> id.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}"))
                .doesNotHaveDuplicates();
        assertThat(hubs.stream().flatMap(h -> h.devices().stream()).map(FleetHub.FleetDevice::serial).toList())
                .doesNotHaveDuplicates();
    }

    @Test
    void values_everyKind_normalizesAsTheGatewayWould() throws Exception {
        Normalizer normalizer = new Normalizer("fleet-gw-00000", ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(1);
        for (FleetDeviceKind kind : FleetDeviceKind.values()) {
            for (boolean alerting : List.of(false, true)) {
                Reading reading = normalizer.normalize(new DeviceMeasurement(
                        new DeviceIdentity(null, null, "FLT-" + kind, null, null), kind.type(),
                        kind.values(random, alerting && kind.alerts()), null,
                        kind.continuous() ? null : "2026-12-01T08:00:00Z", null, kind.source(), List.of()),
                        Instant.parse("2026-12-01T08:00:01Z"));
                assertThat(reading.key()).startsWith("fleet-gw-00000/sn.FLT-");
            }
        }
    }

    @Test
    void values_alerting_crossCriticalThresholds() {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 50; i++) {
            assertThat(FleetDeviceKind.THERMOMETER.values(random, true).get(0).value()).isGreaterThanOrEqualTo(
                    new java.math.BigDecimal("39.5"));
            assertThat(FleetDeviceKind.PULSE_OXIMETER.values(random, true).get(0).value().intValue()).isLessThan(88);
            assertThat(FleetDeviceKind.GLUCOSE_METER.values(random, true).get(0).value().intValue()).isLessThan(54);
            assertThat(FleetDeviceKind.BP_CUFF.values(random, true).get(0).value().intValue())
                    .isGreaterThanOrEqualTo(180);
            assertThat(FleetDeviceKind.PULSE_OXIMETER.values(random, false).get(0).value().intValue())
                    .isGreaterThanOrEqualTo(92);
        }
    }

    @Test
    void scenario_continuousSpotDevice_refused() {
        assertThatThrownBy(() -> new FleetScenario("t", 1, 60, 0.05, 0, 1000, 60,
                List.of(new FleetScenario.SpotDevice(FleetDeviceKind.HR_STRAP, 1)), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
