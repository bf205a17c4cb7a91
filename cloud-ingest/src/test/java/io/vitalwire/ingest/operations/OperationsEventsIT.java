package io.vitalwire.ingest.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.Channel;
import io.vitalwire.contract.ContractVersion;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.GatewayEvent;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.ingest.events.GatewayEvents;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/**
 * Operations alerts from the gateways' events as the consumer hands them over ({@link GatewayEvents}): a device's
 * battery — 25 % none, 18 % a warning, 15 % suppressed, 9 % critical (worse), 5 % suppressed, 15 % a day later a
 * warning again; a report delivered twice is one alert; a device whose readings were just resolved gets its patient
 * named and its Task focused on the Device — and a buffer gap, one alert however often delivered or grown. Each alert
 * is of kind operations, its webhook queued for the operations endpoint only.
 */
@MicronautTest
class OperationsEventsIT extends OperationsStackTest {

    private static final String ALERT_IDENTIFIER = "https://vitalwire.io/fhir/NamingSystem/alert";

    @Inject
    GatewayEvents events;

    OperationsEventsIT() {
        super("gw-opsevents");
    }

    @Override
    protected Map<String, String> operationsProperties() {
        return Map.of("vitalwire.ingest.tasks.poll-interval", "500ms");
    }

    @Test
    void batteryLevels_warnAtTwenty_criticalAtTen_suppressedForADayUnlessWorse() throws Exception {
        String gw = gateway + "-battery";
        String device = "sn.CUFF-" + run;
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        battery(gw, device, 25, t0);
        assertThat(alerts("device-battery-low", gw)).isEmpty();

        battery(gw, device, 18, t0.plusSeconds(60));
        assertThat(alerts("device-battery-low", gw)).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("operations");
            assertThat(a.severity()).isEqualTo("warning");
            assertThat(a.device()).isEqualTo(device);
            assertThat(a.value()).isEqualTo("18");
            assertThat(a.patient()).as("nothing resolved this device lately").isNull();
        });
        AlertRow warning = alerts("device-battery-low", gw).get(0);
        assertThat(deliveries(warning.id())).containsExactly(operationsEndpoint);
        assertThat(taskOwed(warning.id())).isTrue();

        battery(gw, device, 15, t0.plusSeconds(120));
        assertThat(alerts("device-battery-low", gw)).as("suppressed: not worse within the day").hasSize(1);

        battery(gw, device, 9, t0.plusSeconds(180));
        assertThat(alerts("device-battery-low", gw)).hasSize(2).last().satisfies(a -> {
            assertThat(a.severity()).isEqualTo("critical");
            assertThat(a.value()).isEqualTo("9");
        });
        battery(gw, device, 5, t0.plusSeconds(240));
        assertThat(alerts("device-battery-low", gw)).hasSize(2);

        battery(gw, device, 15, t0.plus(Duration.ofHours(25)));
        assertThat(alerts("device-battery-low", gw)).hasSize(3).last()
                .satisfies(a -> assertThat(a.severity()).isEqualTo("warning"));
        assertThat(admin.get("/admin/gateways/" + gw + "/events?type=device-battery").get("events")).hasSize(6);
    }

    @Test
    void aBatteryReportDeliveredTwice_raisesOneAlert() throws Exception {
        String gw = gateway + "-twice";
        byte[] payload = encode(batteryEvent(gw, "bd.C0~3A1D~3A00~3A00~3A00~3A09", 7, Instant.now()));
        events.handle(topic(gw, Channel.EVENTS), payload);
        events.handle(topic(gw, Channel.EVENTS), payload);

        assertThat(alerts("device-battery-low", gw)).singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo("critical"));
        assertThat(deliveries(alerts("device-battery-low", gw).get(0).id())).hasSize(1);
    }

    @Test
    void aGap_raisesOneAlert_deliveredTwiceOrGrown_andAnotherGapItsOwn() throws Exception {
        String gw = gateway + "-gap";
        byte[] first = encode(gap(gw, 1, "2026-11-23T10:15:00Z", 12));
        events.handle(topic(gw, Channel.EVENTS), first);
        events.handle(topic(gw, Channel.EVENTS), first);
        events.handle(topic(gw, Channel.EVENTS), encode(gap(gw, 1, "2026-11-23T10:15:00Z", 40)));

        assertThat(alerts("buffer-gap", gw)).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo("operations");
            assertThat(a.severity()).isEqualTo("warning");
            assertThat(a.value()).isEqualTo("12");
            assertThat(deliveries(a.id())).containsExactly(operationsEndpoint);
        });

        events.handle(topic(gw, Channel.EVENTS), encode(gap(gw, 2, "2026-11-23T11:00:00Z", 3)));
        assertThat(alerts("buffer-gap", gw)).hasSize(2);
    }

    @Test
    void aLowBattery_ofADeviceJustResolved_namesItsPatient_andItsTaskFocusesTheDevice() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity cuff = registered("BATT", patient);
        send(List.of(GatewayReadings.heartRate(gateway, cuff, Instant.now().minusSeconds(5), "72")));

        battery(gateway, ReadingKey.deviceId(cuff), 8, Instant.now());

        AlertRow alert = alerts("device-battery-low", gateway).get(0);
        assertThat(alert.patient()).isEqualTo(patient.substring("Patient/".length()));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> !fixtures.tasks(ALERT_IDENTIFIER, alert.id().toString()).isEmpty());
        Task task = fixtures.tasks(ALERT_IDENTIFIER, alert.id().toString()).get(0);
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        assertThat(task.getFor().getReference()).isEqualTo(patient);
        assertThat(task.getFocus().getType()).isEqualTo("Device");
        assertThat(task.getFocus().getIdentifier().getValue()).isEqualTo(cuff.serial());
        assertThat(task.getCode().getCodingFirstRep().getCode()).isEqualTo("device-battery-low");
    }

    private void battery(String gw, String device, int level, Instant at) {
        events.handle(topic(gw, Channel.EVENTS), encode(batteryEvent(gw, device, level, at)));
    }

    private static GatewayEvent batteryEvent(String gw, String device, int level, Instant at) {
        return new GatewayEvent(ContractVersion.CURRENT, gw, at, GatewayEvent.DEVICE_BATTERY,
                Map.of("device", device, "level", Integer.toString(level)));
    }

    private static GatewayEvent gap(String gw, long id, String firstRefusedAt, long refused) {
        return new GatewayEvent(ContractVersion.CURRENT, gw, Instant.parse(firstRefusedAt), GatewayEvent.GAP,
                Map.of("gapId", Long.toString(id), "reason", "capacity", "lane", "critical",
                        "firstRefusedAt", firstRefusedAt, "lastRefusedAt", firstRefusedAt,
                        "refusedReadings", Long.toString(refused), "deviceCount", "1", "devices", "sn.HR-1"));
    }
}
