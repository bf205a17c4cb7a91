package io.vitalwire.ingest.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.contract.Source;
import io.vitalwire.contract.Transport;
import io.vitalwire.ingest.pipeline.Owner;
import io.vitalwire.ingest.rules.Interpretations;
import io.vitalwire.ingest.rules.Thresholds;
import io.vitalwire.ingest.testing.VitalSignsValidator;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/** Every Observation the mapper produces is checked by HAPI's validator against the R4 vital-signs profiles. */
class ObservationMapperTest {

    private static final Owner OWNER = new Owner("Patient/p1", "Device/d1");
    private static final Instant AT = Instant.parse("2026-11-23T10:15:00Z");
    private final ObservationMapper mapper = new ObservationMapper();

    @Test
    void bloodPressure_isThePanelWithComponents_andConformsToTheBpProfile() throws Exception {
        Observation o = mapper.map(reading(MeasurementType.BLOOD_PRESSURE, "150020", "85354-9",
                value("150021", "8480-6", "128", "mm[Hg]"), value("150022", "8462-4", "84", "mm[Hg]"),
                value("150023", "8478-0", "99", "mm[Hg]")), OWNER);

        assertThat(o.getCode().getCoding()).extracting(Coding::getCode).containsExactly("85354-9", "150020");
        assertThat(o.getComponent()).hasSize(3);
        assertThat(o.getComponentFirstRep().getValueQuantity().getValue()).isEqualByComparingTo("128");
        assertThat(o.getComponentFirstRep().getValueQuantity().getCode()).isEqualTo("mm[Hg]");
        assertThat(o.hasValue()).isFalse();
        assertConforms(o);
    }

    @Test
    void spotVitals_conformToTheirProfiles() throws Exception {
        assertConforms(mapper.map(reading(MeasurementType.HEART_RATE, "147842", "8867-4",
                value("147842", "8867-4", "61", "/min")), OWNER));
        assertConforms(mapper.map(reading(MeasurementType.BODY_TEMPERATURE, "150364", "8310-5",
                value("150364", "8310-5", "37.2", "Cel")), OWNER));
        assertConforms(mapper.map(reading(MeasurementType.BODY_WEIGHT, "188736", "29463-7",
                value("188736", "29463-7", "72.40", "kg")), OWNER));
        assertConforms(mapper.map(reading(MeasurementType.BODY_HEIGHT, "188740", "8302-2",
                value("188740", "8302-2", "1.78", "m")), OWNER));
        assertConforms(mapper.map(reading(MeasurementType.BMI, "188752", "39156-5",
                value("188752", "39156-5", "22.9", "kg/m2")), OWNER));
    }

    @Test
    void oxygenSaturation_carries2708and59408_andConforms() throws Exception {
        Observation o = mapper.map(reading(MeasurementType.OXYGEN_SATURATION, "150456", "59408-5",
                value("150456", "59408-5", "97", "%")), OWNER);

        assertThat(o.getCode().getCoding()).extracting(Coding::getCode)
                .containsExactly("2708-6", "59408-5", "150456");
        assertConforms(o);
    }

    /** Interpretations from the patient's bands (the rules' classes), on a value and on a panel's component. */
    @Test
    void valuesBeyondTheBands_carryTheirInterpretation_andStillConform() throws Exception {
        Reading bp = reading(MeasurementType.BLOOD_PRESSURE, "150020", "85354-9",
                value("150021", "8480-6", "185", "mm[Hg]"), value("150022", "8462-4", "101", "mm[Hg]"),
                value("150023", "8478-0", "129", "mm[Hg]"));
        Observation panel = mapper.map(bp, OWNER, Interpretations.of(bp, Thresholds.defaults()));
        assertThat(panel.getComponent()).extracting(c -> c.getInterpretationFirstRep().getCodingFirstRep().getCode())
                .containsExactly("HH", "H", null);
        assertThat(panel.hasInterpretation()).isFalse();
        assertConforms(panel);

        Reading spo2 = reading(MeasurementType.OXYGEN_SATURATION, "150456", "59408-5",
                value("150456", "59408-5", "87", "%"));
        Observation low = mapper.map(spo2, OWNER, Interpretations.of(spo2, Thresholds.defaults()));
        assertThat(low.getInterpretationFirstRep().getCodingFirstRep().getSystem())
                .isEqualTo("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation");
        assertThat(low.getInterpretationFirstRep().getCodingFirstRep().getCode()).isEqualTo("LL");
        assertConforms(low);

        Reading normal = reading(MeasurementType.HEART_RATE, "147842", "8867-4", value("147842", "8867-4", "72",
                "/min"));
        assertThat(mapper.map(normal, OWNER, Interpretations.of(normal, Thresholds.defaults())).hasInterpretation())
                .isFalse();
    }

    /** An uncorrected device time says so in the Observation, and the Observation still conforms. */
    @Test
    void clockQuality_isAnExtension_andTheObservationStillConforms() throws Exception {
        Reading bp = reading(MeasurementType.BLOOD_PRESSURE, "150020", "85354-9",
                value("150021", "8480-6", "128", "mm[Hg]"), value("150022", "8462-4", "84", "mm[Hg]"));
        Reading hr = reading(MeasurementType.HEART_RATE, "147842", "8867-4", value("147842", "8867-4", "61", "/min"));

        for (Observation o : List.of(mapper.map(bp, OWNER), mapper.map(hr, OWNER))) {
            assertThat(o.getExtension()).singleElement().satisfies(e -> {
                assertThat(e.getUrl()).isEqualTo("https://vitalwire.io/fhir/StructureDefinition/clock-quality");
                assertThat(e.getValue().primitiveValue()).isEqualTo("uncorrected");
            });
            assertConforms(o);
        }
    }

    @Test
    void glucose_isNoVitalSign() throws Exception {
        Observation o = mapper.map(reading(MeasurementType.BLOOD_GLUCOSE, "160184", "2339-0",
                value("160184", "2339-0", "101", "mg/dL")), OWNER);

        assertThat(o.getCategory()).isEmpty();
        assertThat(o.getMeta().getProfile()).isEmpty();
        assertConforms(o);
    }

    @Test
    void bodyHeightInMetres_isConvertedToCentimetres() throws Exception {
        Observation o = mapper.map(reading(MeasurementType.BODY_HEIGHT, "188740", "8302-2",
                value("188740", "8302-2", "1.78", "m")), OWNER);

        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("178");
        assertThat(o.getValueQuantity().getCode()).isEqualTo("cm");
    }

    @Test
    void identityTimeSubjectAndDevice_comeFromTheReading() throws Exception {
        Reading r = reading(MeasurementType.HEART_RATE, "147842", "8867-4", value("147842", "8867-4", "61", "/min"));
        Observation o = mapper.map(r, OWNER);

        assertThat(o.getIdentifierFirstRep().getValue()).isEqualTo(r.key());
        assertThat(o.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026-11-23T10:15:00Z");
        assertThat(o.getSubject().getReference()).isEqualTo("Patient/p1");
        assertThat(o.getDevice().getReference()).isEqualTo("Device/d1");
        assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
    }

    @Test
    void aUnitTheProfileRefuses_isNotMapped() {
        assertThatThrownBy(() -> mapper.map(reading(MeasurementType.HEART_RATE, "147842", "8867-4",
                value("147842", "8867-4", "1", "Hz")), OWNER))
                .isInstanceOf(MappingException.class).hasMessageContaining("'Hz'");
    }

    private static void assertConforms(Observation o) {
        VitalSignsValidator validator = VitalSignsValidator.get();
        assertThat(validator.errors(o)).as(() -> validator.json(o)).isEmpty();
    }

    private static ReadingValue value(String mdc, String loinc, String value, String unit) {
        return new ReadingValue(mdc, loinc, new BigDecimal(value), unit);
    }

    private static Reading reading(MeasurementType type, String mdc, String loinc, ReadingValue... values) {
        DeviceIdentity device = new DeviceIdentity(null, null, "SN-1", null, null);
        return new Reading("gw-1/sn.SN-1/t20261123T101500Z/" + mdc, type, mdc, loinc, Arrays.asList(values), device,
                null, "2026-11-23T10:15:00Z", AT, AT, null, ClockQuality.UNCORRECTED,
                new Source(Transport.COAP, "/readings"), List.of());
    }
}
