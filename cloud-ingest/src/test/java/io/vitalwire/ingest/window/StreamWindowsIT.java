package io.vitalwire.ingest.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.validation.SingleValidationMessage;
import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.fhir.FhirSystems;
import io.vitalwire.ingest.influx.InfluxSink;
import io.vitalwire.ingest.testing.StackTest;
import io.vitalwire.ingest.testing.VitalSignsValidator;
import io.vitalwire.testing.GatewayReadings;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;

/**
 * Continuous streams through the real pipeline — PostgreSQL window store, the scheduled window closer, the HAPI FHIR
 * server, InfluxDB — from messages as a gateway publishes them.
 */
@MicronautTest
class StreamWindowsIT extends StackTest {

    private static final Duration WRITTEN = Duration.ofSeconds(45);

    @Inject
    InfluxSink influx;
    @Inject
    DataSource dataSource;

    StreamWindowsIT() {
        super("gw-win");
    }

    @Override
    protected Map<String, String> overrides() {
        return Map.of(
                "vitalwire.ingest.window.closer-enabled", "true",
                "vitalwire.ingest.window.close-interval", "1s",
                "vitalwire.ingest.window.grace", "1s");
    }

    @Test
    void aOneHertzStream_isOneObservationPerMinute_andEverySampleInInflux() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = new DeviceIdentity(null, null, "HR-" + run + "-1", null, 1);
        fixtures.device(strap.serial(), patient);
        Instant start = minuteBefore(Duration.ofHours(1));
        List<Reading> stream = new ArrayList<>();
        for (int s = 0; s < 120; s++) {
            if (s != 42) {
                stream.add(GatewayReadings.heartRate(gateway, strap, start.plusSeconds(s).plusMillis(250),
                        Integer.toString(60 + s % 7)));
            }
        }
        // Published in batches of 30, as the gateway's uplink packs them; the second one is delivered twice.
        for (int from = 0; from < stream.size(); from += 30) {
            send(stream.subList(from, Math.min(from + 30, stream.size())));
        }
        send(stream.subList(30, 60));

        List<Observation> windows = awaitObservations(patient, 2);
        Observation first = windows.get(0);
        Observation second = windows.get(1);
        assertThat(first.getEffectivePeriod().getStart()).isEqualTo(Date.from(start));
        assertThat(second.getEffectivePeriod().getStart()).isEqualTo(Date.from(start.plusSeconds(60)));
        assertThat(samplesIn(first)).isEqualTo(59);
        assertThat(samplesIn(second)).isEqualTo(60);
        assertThat(first.getValueQuantity().getValue()).isEqualByComparingTo("63");
        assertThat(first.getIdentifierFirstRep().getValue()).contains("/147842/").endsWith("/PT1M/"
                + patient.substring("Patient/".length()));
        // One FHIR write per window, not per sample: the Observation was never revised.
        assertThat(windows).extracting(o -> o.getMeta().getVersionId()).containsExactly("1", "1");
        assertOnlyTheKnownVs1(first);
        // The samples' clock quality went through the window store into the Observation.
        assertThat(first.getExtensionsByUrl(FhirSystems.CLOCK_QUALITY)).extracting(e -> e.getValue().primitiveValue())
                .containsExactly("receive-time");

        assertThat(samplesStored(patient)).as("a redelivered sample is stored once").isEqualTo(119);
        for (Reading r : stream) {
            assertThat(influx.countPoints(r.key())).as(r.key()).isEqualTo(1);
        }
    }

    @Test
    void aLateSample_revisesTheWindowsObservationInPlace_andExplainPointsToIt() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("HR-2", patient);
        Instant start = minuteBefore(Duration.ofMinutes(30));
        List<Reading> onTime = new ArrayList<>();
        for (int s = 0; s < 10; s++) {
            onTime.add(GatewayReadings.heartRate(gateway, strap, start.plusSeconds(s), "70"));
        }
        send(onTime);
        Observation written = awaitObservations(patient, 1).get(0);
        assertThat(samplesIn(written)).isEqualTo(10);

        Reading late = GatewayReadings.heartRate(gateway, strap, start.plusSeconds(30), "75");
        send(List.of(late));

        await().atMost(WRITTEN).untilAsserted(() -> {
            List<Observation> now = fixtures.observations(FhirSystems.READING_WINDOW,
                    written.getIdentifierFirstRep().getValue());
            assertThat(now).hasSize(1);
            assertThat(now.get(0).getIdElement().getIdPart()).isEqualTo(written.getIdElement().getIdPart());
            assertThat(now.get(0).getMeta().getVersionId()).isEqualTo("2");
            assertThat(samplesIn(now.get(0))).isEqualTo(11);
        });
        assertThat(fixtures.observationsOf(patient)).hasSize(1);

        JsonNode trail = admin.explain(late.key());
        String observation = "Observation/" + written.getIdElement().getIdPart();
        assertThat(trail.get("outcome").asText()).isEqualTo("delivered");
        assertThat(trail.get("observations")).extracting(JsonNode::asText).containsExactly(observation);
        assertThat(trail.at("/window/status").asText()).isEqualTo("written");
        assertThat(trail.at("/window/observation").asText()).isEqualTo(observation);
        assertThat(trail.at("/window/start").asText()).isEqualTo(start.toString());
        assertThat(trail.get("influxPoints").asLong()).isEqualTo(1);
        assertThat(trail.get("quarantine")).isEmpty();
    }

    @Test
    void aSampleOfTheCurrentMinute_isExplainedAsHeldInAnOpenWindow() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity strap = registered("HR-3", patient);
        Instant now = Instant.now();
        // Far enough from the minute's end that the window is still open when explained.
        Instant at = now.getEpochSecond() % 60 < 50 ? now : now.plusSeconds(15);
        Reading sample = GatewayReadings.heartRate(gateway, strap, at, "66");
        send(List.of(sample));

        JsonNode trail = admin.explain(sample.key());
        assertThat(trail.get("outcome").asText()).isEqualTo("windowed");
        assertThat(trail.get("observations")).isEmpty();
        assertThat(trail.at("/window/status").asText()).isEqualTo("open");
        assertThat(trail.at("/window/observation").isNull()).isTrue();
        assertThat(trail.at("/window/end").asText()).isEqualTo(at.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60)
                .toString());
        assertThat(fixtures.observationsOf(patient)).isEmpty();
    }

    @Test
    void continuousOximetry_isAWindowPerCode() throws Exception {
        String patient = fixtures.patient();
        DeviceIdentity oximeter = registered("PLX", patient);
        Instant start = minuteBefore(Duration.ofMinutes(20));
        List<Reading> readings = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            readings.add(GatewayReadings.spo2(gateway, oximeter, start.plusSeconds(s), s < 10 ? "97" : "96"));
            readings.add(GatewayReadings.oximeterPulse(gateway, oximeter, start.plusSeconds(s), "72"));
        }
        send(readings);

        List<Observation> windows = awaitObservations(patient, 2);
        assertThat(windows).extracting(o -> o.getComponentFirstRep().getCode().getCodingFirstRep().getCode())
                .containsExactlyInAnyOrder("150456", "149530");
        Observation spo2 = windows.stream().filter(o -> o.getCode().getCodingFirstRep().getCode().equals("2708-6"))
                .findFirst().orElseThrow();
        assertThat(spo2.getValueQuantity().getValue()).isEqualByComparingTo("96.5");
        assertThat(spo2.getValueQuantity().getCode()).isEqualTo("%");
        assertThat(samplesIn(spo2)).isEqualTo(20);
        assertOnlyTheKnownVs1(spo2);
    }

    private List<Observation> awaitObservations(String patient, int count) {
        List<Observation> found = new ArrayList<>();
        await().atMost(WRITTEN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            found.clear();
            found.addAll(fixtures.observationsOf(patient));
            assertThat(found).hasSize(count);
        });
        found.sort(Comparator.comparing(o -> o.getEffectivePeriod().getStart()));
        return found;
    }

    private static long samplesIn(Observation o) {
        SampledData data = o.getComponentFirstRep().getValueSampledData();
        return Arrays.stream(data.getData().split(" ")).filter(v -> !v.equals("E")).count();
    }

    private long samplesStored(String patient) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM window_sample s "
                     + "JOIN stream_window w ON w.id = s.window_id WHERE w.patient = ?")) {
            count.setString(1, patient);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertOnlyTheKnownVs1(Observation o) {
        VitalSignsValidator validator = VitalSignsValidator.get();
        List<SingleValidationMessage> errors = validator.errors(o);
        assertThat(errors).as(() -> validator.json(o)).hasSize(1);
        assertThat(errors.get(0).getMessage()).contains("vs-1");
        assertThat(errors.get(0).getLocationString()).isEqualTo("Observation.effective.ofType(Period)");
    }
}
