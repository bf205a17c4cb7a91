package io.vitalwire.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.validation.SingleValidationMessage;
import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.Reading;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.testing.VitalSignsValidator;
import io.vitalwire.ingest.window.Sample;
import io.vitalwire.ingest.window.StreamWindow;
import io.vitalwire.testing.GatewayReadings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;

/**
 * A window's Observation, checked by HAPI's validator against the R4 vital-signs profiles. The validator's one
 * known false positive on them, {@code vs-1} reported on {@code effectivePeriod} (../shared/notes/domain.md), is
 * accepted exactly: one such message, nothing else.
 */
class WindowObservationMapperTest {

    private static final Owner OWNER = new Owner("Patient/p1", "Device/d1");
    private static final DeviceIdentity STRAP = new DeviceIdentity(null, null, "HR-1", null, 2);
    private static final Instant MINUTE = Instant.parse("2026-11-23T10:15:00Z");

    private final WindowObservationMapper mapper = new WindowObservationMapper(new ObservationMapper(),
            Duration.ofSeconds(1));

    @Test
    void heartRateWindow_conformsToTheHeartrateProfile_exceptTheKnownVs1OnAPeriod() {
        List<Reading> readings = new ArrayList<>();
        for (int s = 0; s < 60; s++) {
            if (s != 7) {
                readings.add(GatewayReadings.heartRate("gw-1", STRAP, MINUTE.plusSeconds(s).plusMillis(120),
                        Integer.toString(60 + s % 5)));
            }
        }
        Observation o = map(readings);

        assertOnlyTheKnownVs1(o);
        assertThat(o.getMeta().getProfile()).extracting(p -> p.getValue())
                .containsExactly("http://hl7.org/fhir/StructureDefinition/heartrate");
        assertThat(o.getCode().getCoding()).extracting(Coding::getCode).containsExactly("8867-4");
        assertThat(o.getIdentifierFirstRep().getSystem()).isEqualTo(FhirSystems.READING_WINDOW);
        assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo("sn.HR-1.u2/147842/20261123T101500Z/PT1M/p1");
        assertThat(o.getEffectivePeriod().getStartElement().getValueAsString()).isEqualTo("2026-11-23T10:15:00Z");
        assertThat(o.getEffectivePeriod().getEndElement().getValueAsString()).isEqualTo("2026-11-23T10:15:59.999Z");
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("62");
        assertThat(o.getValueQuantity().getCode()).isEqualTo("/min");
        SampledData samples = o.getComponentFirstRep().getValueSampledData();
        assertThat(o.getComponentFirstRep().getCode().getCoding()).extracting(Coding::getCode)
                .containsExactly("147842");
        assertThat(samples.getOrigin().getCode()).isEqualTo("/min");
        assertThat(samples.getPeriod()).isEqualByComparingTo("1000");
        assertThat(samples.getDimensions()).isEqualTo(1);
        List<String> data = Arrays.asList(samples.getData().split(" "));
        assertThat(data).hasSize(60);
        assertThat(data.subList(0, 9)).containsExactly("60", "61", "62", "63", "64", "60", "61", "E", "63");
    }

    @Test
    void samplesSharingATimestamp_areAllKept() {
        Instant at = MINUTE.plusSeconds(3);
        DeviceIdentity other = new DeviceIdentity(null, null, "HR-1", null, 2);
        Reading first = GatewayReadings.heartRate("gw-1", STRAP, at, "70");
        // Same device and time through a second gateway: a distinct reading key, the same instant.
        Reading second = GatewayReadings.heartRate("gw-2", other, at, "71");
        Reading third = GatewayReadings.heartRate("gw-1", STRAP, MINUTE.plusSeconds(10), "90");
        Observation o = map(List.of(third, second, first));

        assertOnlyTheKnownVs1(o);
        SampledData samples = o.getComponentFirstRep().getValueSampledData();
        assertThat(samples.getDimensions()).isEqualTo(2);
        List<String> data = Arrays.asList(samples.getData().split(" "));
        assertThat(data).hasSize(120);
        assertThat(data.subList(6, 8)).containsExactly("70", "71");
        assertThat(data.subList(20, 22)).containsExactly("90", "E");
        assertThat(data.stream().filter(v -> !v.equals("E")).count()).isEqualTo(3);
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("71");
    }

    @Test
    void oximetryWindows_conformToTheOxygensatAndHeartrateProfiles() {
        DeviceIdentity oximeter = new DeviceIdentity(null, null, "PLX-1", null, null);
        Observation spo2 = map(List.of(GatewayReadings.spo2("gw-1", oximeter, MINUTE.plusSeconds(1), "97"),
                GatewayReadings.spo2("gw-1", oximeter, MINUTE.plusSeconds(2), "96")));
        Observation pulse = map(List.of(GatewayReadings.oximeterPulse("gw-1", oximeter, MINUTE.plusSeconds(1), "71")));

        assertOnlyTheKnownVs1(spo2);
        assertOnlyTheKnownVs1(pulse);
        assertThat(spo2.getCode().getCoding()).extracting(Coding::getCode)
                .containsExactly("2708-6", "59408-5");
        assertThat(spo2.getComponentFirstRep().getCode().getCodingFirstRep().getCode()).isEqualTo("150456");
        assertThat(spo2.getValueQuantity().getValue()).isEqualTo(new BigDecimal("96.5"));
        assertThat(pulse.getCode().getCoding()).extracting(Coding::getCode).containsExactly("8867-4");
        assertThat(pulse.getComponentFirstRep().getCode().getCodingFirstRep().getCode()).isEqualTo("149530");
    }

    @Test
    void median_isExactAndKeepsTheDevicesResolution() {
        assertThat(WindowObservationMapper.median(samples("72", "75", "73"))).isEqualTo(new BigDecimal("73"));
        assertThat(WindowObservationMapper.median(samples("72", "73"))).isEqualTo(new BigDecimal("72.5"));
        assertThat(WindowObservationMapper.median(samples("128.0", "128.0"))).isEqualTo(new BigDecimal("128.0"));
        // One artefact does not move it.
        assertThat(WindowObservationMapper.median(samples("61", "62", "250", "61", "63"))).isEqualTo(
                new BigDecimal("62"));
    }

    @Test
    void aCoarserGrid_putsSeveralSamplesInASlot() {
        WindowObservationMapper coarse = new WindowObservationMapper(new ObservationMapper(),
                Duration.ofSeconds(5));
        List<Reading> readings = List.of(GatewayReadings.heartRate("gw-1", STRAP, MINUTE, "60"),
                GatewayReadings.heartRate("gw-1", STRAP, MINUTE.plusSeconds(1), "61"),
                GatewayReadings.heartRate("gw-1", STRAP, MINUTE.plusSeconds(59), "62"));
        Observation o = coarse.map(window(readings.get(0)), samples(readings));

        SampledData samples = o.getComponentFirstRep().getValueSampledData();
        assertThat(samples.getPeriod()).isEqualByComparingTo("5000");
        assertThat(samples.getDimensions()).isEqualTo(2);
        List<String> data = Arrays.asList(samples.getData().split(" "));
        assertThat(data).hasSize(24);
        assertThat(data.subList(0, 2)).containsExactly("60", "61");
        assertThat(data.subList(22, 24)).containsExactly("62", "E");
    }

    /** A window lists the clock qualities of its samples, each once, in the contract's order, and still conforms. */
    @Test
    void clockQualities_ofTheSamples_areExtensions_eachOnce() {
        Sample receiveTime = new Sample("k1", MINUTE, new BigDecimal("60"), ClockQuality.RECEIVE_TIME);
        Sample uncorrected = new Sample("k2", MINUTE.plusSeconds(1), new BigDecimal("61"), ClockQuality.UNCORRECTED);
        Sample again = new Sample("k3", MINUTE.plusSeconds(2), new BigDecimal("62"), ClockQuality.UNCORRECTED);
        Sample storedBefore = new Sample("k4", MINUTE.plusSeconds(3), new BigDecimal("63"), null);
        Reading first = GatewayReadings.heartRate("gw-1", STRAP, MINUTE, "60");

        Observation o = mapper.map(window(first), List.of(receiveTime, uncorrected, again, storedBefore));

        assertThat(o.getExtensionsByUrl(FhirSystems.CLOCK_QUALITY)).extracting(e -> e.getValue().primitiveValue())
                .containsExactly("uncorrected", "receive-time");
        assertOnlyTheKnownVs1(o);
    }

    private Observation map(List<Reading> readings) {
        return mapper.map(window(readings.get(0)), samples(readings));
    }

    private static StreamWindow window(Reading r) {
        return StreamWindow.of(r, OWNER, r.values().get(0).unit(), Duration.ofMinutes(1));
    }

    private static List<Sample> samples(List<Reading> readings) {
        return readings.stream()
                .map(r -> new Sample(r.key(), r.measuredAt(), r.values().get(0).value(), r.clockQuality()))
                .toList();
    }

    private static List<Sample> samples(String... values) {
        return Arrays.stream(values).map(v -> new Sample("k" + v, MINUTE, new BigDecimal(v), ClockQuality.RECEIVE_TIME))
                .toList();
    }

    private static void assertOnlyTheKnownVs1(Observation o) {
        VitalSignsValidator validator = VitalSignsValidator.get();
        List<SingleValidationMessage> errors = validator.errors(o);
        assertThat(errors).as(() -> validator.json(o) + "\n" + errors).hasSize(1);
        SingleValidationMessage vs1 = errors.get(0);
        assertThat(vs1.getMessage()).as(vs1.toString()).contains("vs-1");
        assertThat(vs1.getLocationString()).as(vs1.toString()).isEqualTo("Observation.effective.ofType(Period)");
    }
}
