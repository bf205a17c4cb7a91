package io.vitalwire.ingest.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

/** Who owns a Task, from the care team's records: states read, licences current, the patient's location. */
class TaskRoutingTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void usStates_readCodesNamesAndBoardNames() {
        assertThat(UsStates.of("ma")).contains("MA");
        assertThat(UsStates.of(" Massachusetts ")).contains("MA");
        assertThat(UsStates.of("Mass.")).isEmpty();
        assertThat(UsStates.ofIssuer("West Virginia Board of Registered Professional Nurses")).contains("WV");
        assertThat(UsStates.ofIssuer("Virginia Board of Nursing")).contains("VA");
        assertThat(UsStates.ofIssuer("New York State Education Department")).contains("NY");
        assertThat(UsStates.ofIssuer("American Board of Internal Medicine")).isEmpty();
    }

    @Test
    void licensedIn_takesCurrentLicencesByPlanNetOrIssuer_notDegreesOrExpiredOnes() {
        Practitioner p = new Practitioner();
        p.addQualification().setIssuer(new Reference().setDisplay("Texas Board of Nursing"));
        p.addQualification().setIssuer(new Reference().setDisplay("Johns Hopkins University"));
        p.addQualification().setIssuer(new Reference().setDisplay("Ohio Board of Nursing")).getPeriod()
                .setEndElement(new DateTimeType("2026-05-31"));
        p.addQualification().setIssuer(new Reference().setDisplay("Maine State Board of Nursing")).getPeriod()
                .setEndElement(new DateTimeType("2026-06-01"));
        planNet(p.addQualification(), "active", "CA");
        planNet(p.addQualification(), "inactive", "OR");

        assertThat(Licensure.licensedIn(p, NOW)).containsExactlyInAnyOrder("TX", "ME", "CA");
    }

    @Test
    void patientState_followsWhereThePatientIsNow() {
        Patient p = new Patient();
        p.addAddress().setUse(Address.AddressUse.OLD).setState("TX");
        p.addAddress().setUse(Address.AddressUse.WORK).setState("NH");
        p.addAddress().setUse(Address.AddressUse.HOME).setState("Massachusetts");
        assertThat(Licensure.patientState(p, NOW)).contains("MA");

        p.addAddress().setUse(Address.AddressUse.TEMP).setState("FL").getPeriod()
                .setStartElement(new DateTimeType("2026-05-01")).setEndElement(new DateTimeType("2026-07-01"));
        assertThat(Licensure.patientState(p, NOW)).contains("FL");

        Patient postalOnly = new Patient();
        postalOnly.addAddress().setType(Address.AddressType.POSTAL).setState("MA");
        assertThat(Licensure.patientState(postalOnly, NOW)).isEmpty();
    }

    @Test
    void owners_areTheFirstMemberOfTheRoleLicensedInThePatientsState_orNobodyWithTheReason() {
        CareTeamView.Member nurseTx = member("PractitionerRole/1", CareRole.REGISTERED_NURSE, "TX");
        CareTeamView.Member nurseMa = member("PractitionerRole/2", CareRole.REGISTERED_NURSE, "MA", "NH");
        CareTeamView.Member coordinator = member("PractitionerRole/3", CareRole.CARE_COORDINATOR);
        CareTeamView team = new CareTeamView(true, Optional.of("MA"), List.of(nurseTx, nurseMa, coordinator));

        assertThat(Owners.choose(CareRole.REGISTERED_NURSE, team)).isEqualTo(Assignment.to("PractitionerRole/2"));
        assertThat(Owners.choose(CareRole.CARE_COORDINATOR, team)).isEqualTo(Assignment.to("PractitionerRole/3"));
        assertThat(Owners.choose(CareRole.PHYSICIAN, team))
                .isEqualTo(Assignment.nobody(UnassignedReason.NO_MEMBER_IN_ROLE));
        assertThat(Owners.choose(CareRole.REGISTERED_NURSE,
                new CareTeamView(true, Optional.of("CA"), team.members())))
                .isEqualTo(Assignment.nobody(UnassignedReason.NO_LICENCE_IN_STATE));
        assertThat(Owners.choose(CareRole.REGISTERED_NURSE, new CareTeamView(true, Optional.empty(), team.members())))
                .isEqualTo(Assignment.nobody(UnassignedReason.PATIENT_STATE_UNKNOWN));
        assertThat(Owners.choose(CareRole.REGISTERED_NURSE, CareTeamView.NONE))
                .isEqualTo(Assignment.nobody(UnassignedReason.NO_CARE_TEAM));
    }

    @Test
    void careTeamView_readsTheSearchWithItsIncludes() {
        Patient patient = (Patient) new Patient().setId("Patient/p1");
        patient.addAddress().setUse(Address.AddressUse.HOME).setState("MA");
        Practitioner licensed = (Practitioner) new Practitioner().setId("Practitioner/a");
        licensed.addQualification().setIssuer(new Reference().setDisplay("MA"));
        PractitionerRole nurse = role("PractitionerRole/r1", "Practitioner/a", CareRole.REGISTERED_NURSE);
        PractitionerRole ended = role("PractitionerRole/r2", "Practitioner/a", CareRole.PHYSICIAN);
        ended.getPeriod().setEndElement(new DateTimeType("2025-01-01"));
        Practitioner direct = (Practitioner) new Practitioner().setId("Practitioner/b");
        CareTeam team = (CareTeam) new CareTeam().setId("CareTeam/t1");
        team.addParticipant().setMember(new Reference("PractitionerRole/r1"));
        team.addParticipant().setMember(new Reference("PractitionerRole/r2"));
        team.addParticipant().setMember(new Reference("Practitioner/b"))
                .addRole(new CodeableConcept(new Coding(TaskCodes.SNOMED, CareRole.CARE_COORDINATOR.code(), null)));
        team.addParticipant().setMember(new Reference("Practitioner/a")).getPeriod()
                .setEndElement(new DateTimeType("2026-01-01"));

        CareTeamView view = CareTeamView.of(bundle(team, patient, licensed, nurse, ended, direct), NOW);

        assertThat(view.found()).isTrue();
        assertThat(view.patientState()).contains("MA");
        assertThat(view.members()).containsExactly(
                new CareTeamView.Member("PractitionerRole/r1", Set.of(CareRole.REGISTERED_NURSE.code()), Set.of("MA")),
                new CareTeamView.Member("Practitioner/b", Set.of(CareRole.CARE_COORDINATOR.code()), Set.of()));
        assertThat(CareTeamView.of(new Bundle(), NOW).found()).isFalse();
    }

    @Test
    void priorities_andTheirEscalation() {
        assertThat(TaskMapper.raised(Task.TaskPriority.ROUTINE)).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(TaskMapper.raised(Task.TaskPriority.URGENT)).isEqualTo(Task.TaskPriority.ASAP);
        assertThat(TaskMapper.raised(Task.TaskPriority.STAT)).isEqualTo(Task.TaskPriority.STAT);
        assertThat(CareRole.first("clinical", "spo2")).isEqualTo(CareRole.REGISTERED_NURSE);
        assertThat(CareRole.first("clinical", "no-data")).isEqualTo(CareRole.CARE_COORDINATOR);
        assertThat(CareRole.first("operations", "gateway-offline")).isEqualTo(CareRole.CARE_COORDINATOR);
        assertThat(CareRole.escalation("clinical", "spo2")).contains(CareRole.PHYSICIAN);
        assertThat(CareRole.escalation("operations", "gateway-offline")).isEmpty();
    }

    @Test
    void anOperationsTask_escalatesByPriority_keepingItsCoordinator() {
        Task t = new Task().setPriority(Task.TaskPriority.ROUTINE);
        t.addPerformerType(TaskMapper.role(CareRole.CARE_COORDINATOR));
        t.setOwner(new Reference("PractitionerRole/c"));
        TaskMapper mapper = new TaskMapper(null);

        assertThat(mapper.escalate(t, null, null, NOW)).isTrue();
        assertThat(mapper.escalate(t, null, null, NOW)).as("once").isFalse();

        assertThat(t.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(t.getPerformerType()).hasSize(1);
        assertThat(t.getOwner().getReference()).isEqualTo("PractitionerRole/c");
        assertThat(TaskMapper.hasCode(t.getBusinessStatus(), TaskCodes.TASK, TaskMapper.ESCALATED)).isTrue();
    }

    private static void planNet(Practitioner.PractitionerQualificationComponent q, String status, String state) {
        Extension e = q.addExtension().setUrl(TaskCodes.PLAN_NET_QUALIFICATION);
        e.addExtension("status", new CodeType(status));
        e.addExtension("whereValid", new CodeableConcept(new Coding(TaskCodes.USPS, state, null)));
    }

    private static CareTeamView.Member member(String ref, CareRole role, String... states) {
        return new CareTeamView.Member(ref, Set.of(role.code()), Set.of(states));
    }

    private static PractitionerRole role(String id, String practitioner, CareRole role) {
        PractitionerRole r = (PractitionerRole) new PractitionerRole().setId(id);
        r.setPractitioner(new Reference(practitioner));
        r.addCode(new CodeableConcept(new Coding(TaskCodes.SNOMED, role.code(), null)));
        return r;
    }

    private static Bundle bundle(CareTeam team, Resource... included) {
        Bundle b = new Bundle();
        b.addEntry().setResource(team).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        for (Resource r : included) {
            b.addEntry().setResource(r).getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
        }
        return b;
    }
}
