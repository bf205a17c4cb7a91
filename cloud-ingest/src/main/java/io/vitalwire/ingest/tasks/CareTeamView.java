package io.vitalwire.ingest.tasks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * A patient's care team as the owner of a Task is chosen from: the active members, in a stable order, with their
 * roles and the states they are licensed in, and the state the patient is in ({@link Licensure}).
 *
 * @param found        whether the patient has an active CareTeam at all
 * @param patientState USPS code, empty when the patient's records do not say
 * @param members      the active participants of the patient's active care teams: teams by id, members in the
 *                     team's order, each once
 */
record CareTeamView(boolean found, Optional<String> patientState, List<Member> members) {

    /**
     * A care-team member who can own a Task.
     *
     * @param reference {@code PractitionerRole/…} (the member as recorded in a role), or {@code Practitioner/…}
     * @param roles     SNOMED CT codes: the PractitionerRole's {@code code}, and the participant's {@code role}
     * @param states    USPS codes of the states of the practitioner's current licences
     */
    record Member(String reference, Set<String> roles, Set<String> states) {
    }

    static final CareTeamView NONE = new CareTeamView(false, Optional.empty(), List.of());

    /**
     * Reads the answer to {@code CareTeam?subject=…&status=active} with its participants, the PractitionerRoles'
     * Practitioners and the subject included, at {@code now}: participants, roles and licences not current now do
     * not count.
     */
    static CareTeamView of(Bundle bundle, Instant now) {
        Map<String, Resource> included = new HashMap<>();
        List<CareTeam> teams = new ArrayList<>();
        Patient patient = null;
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            if (r == null) {
                continue;
            }
            included.put(r.getIdElement().toUnqualifiedVersionless().getValue(), r);
            if (r instanceof CareTeam team && e.getSearch().getMode() != Bundle.SearchEntryMode.INCLUDE) {
                teams.add(team);
            } else if (r instanceof Patient p) {
                patient = p;
            }
        }
        if (teams.isEmpty()) {
            return NONE;
        }
        teams.sort(Comparator.comparing(t -> t.getIdElement().getIdPart()));
        Map<String, Member> members = new LinkedHashMap<>();
        for (CareTeam team : teams) {
            for (CareTeam.CareTeamParticipantComponent p : team.getParticipant()) {
                if (Licensure.current(p.getPeriod(), now)) {
                    member(p, included, now).ifPresent(m -> members.merge(m.reference(), m, CareTeamView::both));
                }
            }
        }
        Optional<String> state = patient == null ? Optional.empty() : Licensure.patientState(patient, now);
        return new CareTeamView(true, state, List.copyOf(members.values()));
    }

    private static Optional<Member> member(CareTeam.CareTeamParticipantComponent p, Map<String, Resource> included,
                                           Instant now) {
        Set<String> roles = new TreeSet<>();
        p.getRole().forEach(r -> roles.addAll(snomed(r)));
        Resource member = resolve(p.getMember(), included);
        if (member instanceof PractitionerRole role) {
            if ((role.hasActive() && !role.getActive()) || !Licensure.current(role.getPeriod(), now)) {
                return Optional.empty();
            }
            role.getCode().forEach(c -> roles.addAll(snomed(c)));
            Set<String> states = resolve(role.getPractitioner(), included) instanceof Practitioner practitioner
                    && !(practitioner.hasActive() && !practitioner.getActive())
                    ? Licensure.licensedIn(practitioner, now) : Set.of();
            return Optional.of(new Member(reference(role), roles, states));
        }
        if (member instanceof Practitioner practitioner && !(practitioner.hasActive() && !practitioner.getActive())) {
            return Optional.of(new Member(reference(practitioner), roles, Licensure.licensedIn(practitioner, now)));
        }
        return Optional.empty();
    }

    private static Member both(Member a, Member b) {
        Set<String> roles = new TreeSet<>(a.roles());
        roles.addAll(b.roles());
        return new Member(a.reference(), roles, a.states());
    }

    private static Resource resolve(Reference reference, Map<String, Resource> included) {
        if (reference == null || !reference.hasReference()) {
            return null;
        }
        return included.get(reference.getReferenceElement().toUnqualifiedVersionless().getValue());
    }

    private static String reference(Resource r) {
        return r.getIdElement().toUnqualifiedVersionless().getValue();
    }

    private static Set<String> snomed(CodeableConcept concept) {
        Set<String> codes = new TreeSet<>();
        concept.getCoding().stream().filter(c -> TaskCodes.SNOMED.equals(c.getSystem()) && c.hasCode())
                .forEach(c -> codes.add(c.getCode()));
        return codes;
    }
}
