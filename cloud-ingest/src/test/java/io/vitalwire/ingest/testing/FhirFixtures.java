package io.vitalwire.ingest.testing;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.ICriterion;
import io.vitalwire.ingest.fhir.FhirSystems;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceUseStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

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
        DeviceUseStatement s = new DeviceUseStatement();
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
