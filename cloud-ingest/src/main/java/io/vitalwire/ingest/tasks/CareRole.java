package io.vitalwire.ingest.tasks;

import java.util.Optional;

/**
 * Who works an alert's Task (top-of-license care: each alert to the least specialised role that can act on it), as
 * the SNOMED CT occupation codes of {@code Task.performerType} and of the care team's {@code PractitionerRole.code}.
 *
 * <ul>
 *   <li>clinical alerts (warning and critical): the registered nurse triages; an escalation hands the Task to the
 *       physician;</li>
 *   <li>no-data and operations alerts (a silent patient, a gateway offline): the care coordinator, who calls the
 *       patient or arranges the device.</li>
 * </ul>
 */
public enum CareRole {
    /** SNOMED CT 224535009 |Registered nurse (occupation)|. Licensed per US state. */
    REGISTERED_NURSE("224535009", "Registered nurse", true),
    /** SNOMED CT 309343006 |Physician (occupation)|. Licensed per US state. */
    PHYSICIAN("309343006", "Physician", true),
    /** SNOMED CT 768820003 |Care coordinator (occupation)|. Not a licensed profession: any state will do. */
    CARE_COORDINATOR("768820003", "Care coordinator", false);

    private final String code;
    private final String display;
    private final boolean licensed;

    CareRole(String code, String display, boolean licensed) {
        this.code = code;
        this.display = display;
        this.licensed = licensed;
    }

    /** The SNOMED CT code. */
    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** Whether a member must hold a licence of the patient's state to own the Task. */
    public boolean licensed() {
        return licensed;
    }

    /** The role that works an alert first. */
    static CareRole first(String kind, String rule) {
        return "clinical".equals(kind) && !"no-data".equals(rule) ? REGISTERED_NURSE : CARE_COORDINATOR;
    }

    /** The role an escalated alert goes to: the physician after the nurse; none above the care coordinator. */
    static Optional<CareRole> escalation(String kind, String rule) {
        return first(kind, rule) == REGISTERED_NURSE ? Optional.of(PHYSICIAN) : Optional.empty();
    }
}
