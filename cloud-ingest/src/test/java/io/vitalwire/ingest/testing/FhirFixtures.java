package io.vitalwire.ingest.testing;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import io.vitalwire.ingest.fhir.FhirSystems;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * What the clinical side keeps in FHIR, set up as it would: Patients, Devices (identifier = serial), and device
 * assignments over time as DeviceUseStatements; plus the searches tests check results with.
 */
public final class FhirFixtures {

    private static final String TEST_PATIENT = "https://vitalwire.io/fhir/NamingSystem/test-patient";

    private final IGenericClient fhir;

    public FhirFixtures(IGenericClient fhir) {
        this.fhir = fhir;
    }

    /** @return the new Patient's reference, {@code Patient/…} */
    public String patient() {
        Patient p = new Patient();
        p.addIdentifier().setSystem(TEST_PATIENT).setValue(UUID.randomUUID().toString());
        p.addName().setFamily("Tester");
        return "Patient/" + fhir.create().resource(p).execute().getId().getIdPart();
    }

    /** An active, confirmed problem-list Condition of the patient, coded {@code system|code}. */
    public String condition(String patient, String system, String code) {
        Condition c = new Condition();
        c.setSubject(new Reference(patient));
        c.getClinicalStatus().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/condition-clinical")
                .setCode("active");
        c.getVerificationStatus().addCoding()
                .setSystem("http://terminology.hl7.org/CodeSystem/condition-ver-status").setCode("confirmed");
        c.getCode().addCoding().setSystem(system).setCode(code);
        return "Condition/" + fhir.create().resource(c).execute().getId().getIdPart();
    }

    /**
     * @param patient {@code Device.patient}, the current patient; {@code null} for none
     * @return the new Device's reference
     */
    public String device(String serial, String patient) {
        Device d = new Device();
        d.addIdentifier().setSystem(FhirSystems.DEVICE_SERIAL).setValue(serial);
        d.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        if (patient != null) {
            d.setPatient(new Reference(patient));
        }
        return "Device/" + fhir.create().resource(d).execute().getId().getIdPart();
    }

    /**
     * Assigns the device to the patient from {@code start} until {@code end} ({@code null}: ongoing).
     *
     * @return the DeviceUseStatement's reference
     */
    public String assign(String device, String patient, Instant start, Instant end) {
        return assign(device, null, patient, start, end);
    }

    /**
     * Binds user slot {@code userIndex} of a multi-user device (a family BP cuff or scale) to the patient from
     * {@code start} until {@code end} ({@code null}: ongoing); {@code userIndex} {@code null} assigns the whole
     * device.
     *
     * @return the DeviceUseStatement's reference
     */
    public String assign(String device, Integer userIndex, String patient, Instant start, Instant end) {
        DeviceUseStatement s = new DeviceUseStatement();
        if (userIndex != null) {
            s.addExtension(FhirSystems.DEVICE_USER_INDEX, new IntegerType(userIndex));
        }
        s.setStatus(end == null ? DeviceUseStatement.DeviceUseStatementStatus.ACTIVE
                : DeviceUseStatement.DeviceUseStatementStatus.COMPLETED);
        s.setSubject(new Reference(patient));
        s.setDevice(new Reference(device));
        // From the instant's own text: Period.setStart(Date) would cut it to whole seconds.
        Period period = new Period().setStartElement(new DateTimeType(start.toString()));
        if (end != null) {
            period.setEndElement(new DateTimeType(end.toString()));
        }
        s.setTiming(period);
        return "DeviceUseStatement/" + fhir.create().resource(s).execute().getId().getIdPart();
    }

    /** Ends an ongoing assignment at {@code end}, as a reassignment does. */
    public void end(String assignment, Instant end) {
        DeviceUseStatement s = fhir.read().resource(DeviceUseStatement.class).withUrl(assignment).execute();
        s.getTimingPeriod().setEndElement(new DateTimeType(end.toString()));
        s.setStatus(DeviceUseStatement.DeviceUseStatementStatus.COMPLETED);
        fhir.update().resource(s).execute();
    }

    /**
     * A Patient whose current home address is in {@code state} (a USPS code or a name), with a former address
     * elsewhere ({@code use} old), as a patient who moved has.
     *
     * @return the new Patient's reference
     */
    public String patientIn(String state) {
        Patient p = new Patient();
        p.addIdentifier().setSystem(TEST_PATIENT).setValue(UUID.randomUUID().toString());
        p.addName().setFamily("Tester");
        p.addAddress().setUse(Address.AddressUse.OLD).setState("TX");
        p.addAddress().setUse(Address.AddressUse.HOME).setState(state);
        return "Patient/" + fhir.create().resource(p).execute().getId().getIdPart();
    }

    /**
     * A Practitioner with a licence from each issuer, named as US licensing boards are in
     * {@code qualification.issuer.display} (e.g. {@code Texas Board of Nursing}).
     *
     * @return the new Practitioner's reference
     */
    public String practitioner(String... licenceIssuers) {
        Practitioner p = new Practitioner();
        p.addName().setFamily("Clinician");
        for (String issuer : licenceIssuers) {
            p.addQualification().setCode(new CodeableConcept().setText("licence"))
                    .setIssuer(new Reference().setDisplay(issuer));
        }
        return "Practitioner/" + fhir.create().resource(p).execute().getId().getIdPart();
    }

    /**
     * A Practitioner licensed in {@code states} (USPS codes) the Da Vinci Plan-Net way (the practitioner-qualification
     * extension's {@code whereValid}), each licence valid until {@code until} ({@code null}: no end).
     *
     * @return the new Practitioner's reference
     */
    public String planNetPractitioner(LocalDate until, String... states) {
        Practitioner p = new Practitioner();
        p.addName().setFamily("Clinician");
        for (String state : states) {
            Practitioner.PractitionerQualificationComponent q = p.addQualification()
                    .setCode(new CodeableConcept().setText("licence"));
            if (until != null) {
                q.getPeriod().setEndElement(new DateTimeType(until.toString()));
            }
            Extension planNet = q.addExtension().setUrl(
                    "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/practitioner-qualification");
            planNet.addExtension("status", new CodeType("active"));
            planNet.addExtension("whereValid", new CodeableConcept(new Coding("https://www.usps.com/", state, null)));
        }
        return "Practitioner/" + fhir.create().resource(p).execute().getId().getIdPart();
    }

    /** @return the reference of a new active PractitionerRole of the practitioner, coded SNOMED CT {@code role} */
    public String practitionerRole(String practitioner, String role) {
        PractitionerRole r = new PractitionerRole();
        r.setActive(true);
        r.setPractitioner(new Reference(practitioner));
        r.addCode().addCoding().setSystem("http://snomed.info/sct").setCode(role);
        return "PractitionerRole/" + fhir.create().resource(r).execute().getId().getIdPart();
    }

    /** @return the reference of a new active CareTeam of the patient with the members, in this order */
    public String careTeam(String patient, String... members) {
        CareTeam team = new CareTeam();
        team.setStatus(CareTeam.CareTeamStatus.ACTIVE);
        team.setSubject(new Reference(patient));
        for (String member : members) {
            team.addParticipant().setMember(new Reference(member));
        }
        return "CareTeam/" + fhir.create().resource(team).execute().getId().getIdPart();
    }

    /** A final vital-signs Observation of the patient carrying the reading key, as the fhir stage writes one. */
    public String observation(String patient, String readingKey) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addIdentifier().setSystem(FhirSystems.READING_KEY).setValue(readingKey);
        o.getCode().addCoding().setSystem(FhirSystems.LOINC).setCode("59408-5");
        o.setSubject(new Reference(patient));
        return "Observation/" + fhir.create().resource(o).execute().getId().getIdPart();
    }

    /** The Tasks carrying the identifier {@code system|value}. */
    public List<Task> tasks(String system, String value) {
        Bundle found = fhir.search().forResource(Task.class)
                .where(Task.IDENTIFIER.exactly().systemAndIdentifier(system, value))
                .count(100)
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    /** The Observations carrying the identifier {@code system|value}. */
    public List<Observation> observations(String system, String value) {
        return search(Observation.IDENTIFIER.exactly().systemAndIdentifier(system, value));
    }

    /** The Observations of a patient. */
    public List<Observation> observationsOf(String patient) {
        return search(Observation.SUBJECT.hasId(patient));
    }

    private List<Observation> search(ICriterion<?> criterion) {
        Bundle found = fhir.search().forResource(Observation.class)
                .where(criterion)
                .count(500)
                .returnBundle(Bundle.class)
                // HAPI answers a repeated search from its result cache for up to a minute otherwise.
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        return found.getEntry().stream().map(e -> (Observation) e.getResource()).toList();
    }
}
