package io.vitalwire.ingest.tasks;

import java.util.List;

/**
 * Chooses a Task's owner from the patient's care team: the first active member in the role who — for a licensed role
 * (nurse, physician) — holds a current licence of the state the patient is in. When nobody fits, the Task stays with
 * the role alone and says why ({@link UnassignedReason}), in the order a care-team administrator would fix it: no
 * care team, nobody in the role, the patient's state unknown, nobody licensed there.
 */
final class Owners {

    private Owners() {
    }

    static Assignment choose(CareRole role, CareTeamView team) {
        if (!team.found()) {
            return Assignment.nobody(UnassignedReason.NO_CARE_TEAM);
        }
        List<CareTeamView.Member> inRole = team.members().stream()
                .filter(m -> m.roles().contains(role.code()))
                .toList();
        if (inRole.isEmpty()) {
            return Assignment.nobody(UnassignedReason.NO_MEMBER_IN_ROLE);
        }
        if (!role.licensed()) {
            return Assignment.to(inRole.get(0).reference());
        }
        if (team.patientState().isEmpty()) {
            return Assignment.nobody(UnassignedReason.PATIENT_STATE_UNKNOWN);
        }
        String state = team.patientState().get();
        return inRole.stream()
                .filter(m -> m.states().contains(state))
                .findFirst()
                .map(m -> Assignment.to(m.reference()))
                .orElse(Assignment.nobody(UnassignedReason.NO_LICENCE_IN_STATE));
    }
}
