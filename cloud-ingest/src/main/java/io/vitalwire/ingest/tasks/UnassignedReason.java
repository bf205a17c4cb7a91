package io.vitalwire.ingest.tasks;

import java.util.Optional;

/**
 * Why a Task has no owner and is left to its role ({@code performerType}) alone: {@code Task.statusReason}, coded in
 * {@link TaskCodes#UNASSIGNED_REASON}. The texts speak of the care team's records, never of the patient.
 */
public enum UnassignedReason {
    /** An operations alert about a gateway: no patient, so no care team to route to. */
    NO_PATIENT("no-patient", "The alert concerns no patient"),
    /** The FHIR server holds no active CareTeam for the patient. */
    NO_CARE_TEAM("no-care-team", "No active care team is recorded for the patient"),
    /** The care team has no active member in the Task's role. */
    NO_MEMBER_IN_ROLE("no-member-in-role", "No care-team member has the role"),
    /** No current US state could be read from the patient's addresses, so no licence can be matched. */
    PATIENT_STATE_UNKNOWN("patient-state-unknown", "The patient's US state is not recorded"),
    /** Members in the role, none with a current licence of the patient's state. */
    NO_LICENCE_IN_STATE("no-licence-in-state",
            "No care-team member of the role holds a current licence of the patient's state");

    private final String code;
    private final String display;

    UnassignedReason(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** The reason of a code, as written to a Task; empty for another code. */
    static Optional<UnassignedReason> of(String code) {
        for (UnassignedReason r : values()) {
            if (r.code.equals(code)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
