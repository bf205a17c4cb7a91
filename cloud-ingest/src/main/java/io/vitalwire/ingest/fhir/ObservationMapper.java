package io.vitalwire.ingest.fhir;

import io.vitalwire.contract.ClockQuality;
import io.vitalwire.contract.MeasurementType;
import io.vitalwire.contract.Reading;
import io.vitalwire.contract.ReadingValue;
import io.vitalwire.ingest.pipeline.Owner;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Maps a reading to an R4 Observation that conforms to the vital-signs profiles: category, LOINC code with the
 * IEEE 11073 MDC code beside it (HL7 PHD guide), UCUM quantities, the BP panel as components, the measuring Device,
 * the reading key as identifier, and the gateway's decided measurement time as effective time, with how it was
 * decided (the reading's clock quality) in the {@link FhirSystems#CLOCK_QUALITY} extension.
 */
@Singleton
public class ObservationMapper {

    private static final String PROFILE_BASE = "http://hl7.org/fhir/StructureDefinition/";

    /** The vital-signs profile of each type; glucose is not a vital sign and gets none. */
    private static final Map<MeasurementType, String> PROFILES = Map.of(
            MeasurementType.HEART_RATE, "heartrate",
            MeasurementType.PULSE_RATE, "heartrate",
            MeasurementType.BLOOD_PRESSURE, "bp",
            MeasurementType.BODY_TEMPERATURE, "bodytemp",
            MeasurementType.BODY_WEIGHT, "bodyweight",
            MeasurementType.BODY_HEIGHT, "bodyheight",
            MeasurementType.BMI, "bmi",
            MeasurementType.OXYGEN_SATURATION, "oxygensat");

    /** Units each profile allows (value set of its valueQuantity.code). */
    private static final Map<MeasurementType, Set<String>> UNITS = Map.of(
            MeasurementType.HEART_RATE, Set.of("/min"),
            MeasurementType.PULSE_RATE, Set.of("/min"),
            MeasurementType.BLOOD_PRESSURE, Set.of("mm[Hg]"),
            MeasurementType.BODY_TEMPERATURE, Set.of("Cel", "[degF]"),
            MeasurementType.BODY_WEIGHT, Set.of("kg", "g", "[lb_av]"),
            MeasurementType.BODY_HEIGHT, Set.of("cm", "[in_i]"),
            MeasurementType.BMI, Set.of("kg/m2"),
            MeasurementType.OXYGEN_SATURATION, Set.of("%"),
            MeasurementType.BLOOD_GLUCOSE, Set.of("mg/dL", "mmol/L"));

    public Observation map(Reading reading, Owner owner) throws MappingException {
        return map(reading, owner, Map.of());
    }

    /**
     * The reading's Observation, with {@code interpretations} (HL7 v3 ObservationInterpretation codes by the MDC code
     * of the value they judge) on the value, or on the component of a blood-pressure panel.
     */
    public Observation map(Reading reading, Owner owner, Map<String, Interpretation> interpretations)
            throws MappingException {
        Observation o = observation(reading.type(), reading.mdc(), reading.loinc(), owner);
        o.addIdentifier().setSystem(FhirSystems.READING_KEY).setValue(reading.key());
        // In UTC and with the precision the gateway decided (seconds from most devices, milliseconds from some).
        o.setEffective(new DateTimeType(reading.measuredAt().toString()));
        addClockQuality(o, reading.clockQuality());
        if (reading.type() == MeasurementType.BLOOD_PRESSURE) {
            for (ReadingValue v : reading.values()) {
                Observation.ObservationComponentComponent c = o.addComponent().setCode(valueCode(v))
                        .setValue(quantity(reading.type(), v));
                Interpretation i = interpretations.get(v.mdc());
                if (i != null) {
                    c.addInterpretation(interpretation(i));
                }
            }
        } else {
            o.setValue(singleQuantity(reading));
            Interpretation i = interpretations.get(reading.values().get(0).mdc());
            if (i != null) {
                o.addInterpretation(interpretation(i));
            }
        }
        return o;
    }

    /**
     * Says how far the effective time can be trusted: an extension, not a note, so that a reader can filter on it;
     * an extension on Observation is allowed by every vital-signs profile.
     */
    public static void addClockQuality(Observation o, ClockQuality quality) {
        o.addExtension(FhirSystems.CLOCK_QUALITY, new CodeType(quality.code()));
    }

    private static CodeableConcept interpretation(Interpretation i) {
        return new CodeableConcept().addCoding(new Coding(Interpretation.SYSTEM, i.name(), i.display()));
    }

    /**
     * What every Observation of a kind of measurement carries, of one reading or of a window of a stream: profile,
     * category, status, code (LOINC beside MDC), subject and device. Identifier, time and value are the caller's.
     *
     * @param mdc the MDC code for {@code Observation.code}; {@code null} leaves it out (a window's Observation
     *            carries it on the component with the samples instead)
     */
    public Observation observation(MeasurementType type, String mdc, String loinc, Owner owner) {
        Observation o = new Observation();
        String profile = PROFILES.get(type);
        if (profile != null) {
            o.getMeta().addProfile(PROFILE_BASE + profile);
            o.addCategory().addCoding()
                    .setSystem(FhirSystems.OBSERVATION_CATEGORY).setCode("vital-signs").setDisplay("Vital Signs");
        }
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(code(type, mdc, loinc));
        o.setSubject(new Reference(owner.patient()));
        o.setDevice(new Reference(owner.device()));
        return o;
    }

    /** The value of a single-valued reading, in a unit its profile allows. */
    public Quantity singleQuantity(Reading reading) throws MappingException {
        if (reading.values().size() != 1) {
            throw new MappingException(reading.type() + " with " + reading.values().size() + " values");
        }
        return quantity(reading.type(), reading.values().get(0));
    }

    private static CodeableConcept code(MeasurementType type, String mdc, String loinc) {
        CodeableConcept code = new CodeableConcept();
        if (type == MeasurementType.OXYGEN_SATURATION) {
            // The oxygensat profile requires 2708-6; 59408-5 says it was measured by pulse oximetry.
            code.addCoding().setSystem(FhirSystems.LOINC).setCode("2708-6");
        }
        if (loinc != null) {
            code.addCoding().setSystem(FhirSystems.LOINC).setCode(loinc);
        }
        if (mdc != null) {
            code.addCoding().setSystem(FhirSystems.MDC).setCode(mdc);
        }
        return code;
    }

    private static CodeableConcept valueCode(ReadingValue v) {
        CodeableConcept code = new CodeableConcept();
        if (v.loinc() != null) {
            code.addCoding().setSystem(FhirSystems.LOINC).setCode(v.loinc());
        }
        code.addCoding().setSystem(FhirSystems.MDC).setCode(v.mdc());
        return code;
    }

    private static Quantity quantity(MeasurementType type, ReadingValue v) throws MappingException {
        BigDecimal value = v.value();
        String unit = v.unit();
        if (type == MeasurementType.BODY_HEIGHT && unit.equals("m")) {
            // The bodyheight profile allows cm and [in_i] only.
            value = value.movePointRight(2);
            unit = "cm";
        }
        if (!UNITS.getOrDefault(type, Set.of()).contains(unit)) {
            throw new MappingException(type + " in unit '" + unit + "' is not allowed by its profile");
        }
        return ucum(value, unit);
    }

    /** A quantity in a UCUM unit, as the vital-signs profiles want it (unit, system and code). */
    public static Quantity ucum(BigDecimal value, String unit) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(FhirSystems.UCUM).setCode(unit);
    }
}
