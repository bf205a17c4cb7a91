package io.vitalwire.ingest.tasks;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;

/**
 * The fifty-state rule, read from FHIR: a licensed professional may care for a patient only where they hold a licence
 * of the state the patient is in.
 *
 * <p><b>Where a practitioner is licensed</b> ({@link #licensedIn}): each {@code Practitioner.qualification} that is
 * current ({@code period} covering now, when given) names its state, read in this order:
 * <ol>
 *   <li>Da Vinci PDex Plan-Net's {@code practitioner-qualification} extension: {@code whereValid} as a USPS code
 *       (system {@code https://www.usps.com/}), a qualification whose {@code status} is not {@code active} does not
 *       count;</li>
 *   <li>{@code qualification.issuer.display}: a USPS code, a state's name, or the licensing board's name starting
 *       with the state's ({@code Texas Board of Nursing}).</li>
 * </ol>
 * A qualification naming no state (a degree, a board certification) is no licence. A multistate licence (the Nurse
 * Licensure Compact) counts only for the states it names.
 *
 * <p><b>Where the patient is</b> ({@link #patientState}): licensure follows the patient's location at the time of
 * care, so among the current addresses ({@code period} covering now, not {@code old}, not postal-only) a {@code temp}
 * address (staying elsewhere) comes before {@code home}, and {@code home} before one without {@code use};
 * {@code work} and {@code billing} addresses do not count. The first of them with a readable state is taken.
 */
final class Licensure {

    private Licensure() {
    }

    /** The USPS codes of the states the practitioner holds a current licence of. */
    static Set<String> licensedIn(Practitioner practitioner, Instant now) {
        Set<String> states = new LinkedHashSet<>();
        for (Practitioner.PractitionerQualificationComponent q : practitioner.getQualification()) {
            if (!current(q.getPeriod(), now)) {
                continue;
            }
            Extension planNet = q.getExtensionByUrl(TaskCodes.PLAN_NET_QUALIFICATION);
            if (planNet != null) {
                if (active(planNet)) {
                    planNet.getExtensionsByUrl("whereValid").forEach(w -> state(w).ifPresent(states::add));
                }
                continue;
            }
            if (q.hasIssuer() && q.getIssuer().hasDisplay()) {
                UsStates.ofIssuer(q.getIssuer().getDisplay()).ifPresent(states::add);
            }
        }
        return states;
    }

    /** The USPS code of the state the patient is in now, if the records say. */
    static Optional<String> patientState(Patient patient, Instant now) {
        for (Address.AddressUse use : new Address.AddressUse[] {Address.AddressUse.TEMP, Address.AddressUse.HOME,
            null}) {
            for (Address a : patient.getAddress()) {
                if (a.getUse() != use || a.getType() == Address.AddressType.POSTAL || !current(a.getPeriod(), now)) {
                    continue;
                }
                Optional<String> state = UsStates.of(a.getState());
                if (state.isPresent()) {
                    return state;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether {@code now} is within the period; an absent end is open, and an end given as a date (a licence valid
     * through 2026-12-31) covers that whole day.
     */
    static boolean current(Period period, Instant now) {
        if (period == null || period.isEmpty()) {
            return true;
        }
        if (period.hasStart() && period.getStart().toInstant().isAfter(now)) {
            return false;
        }
        if (period.hasEnd()) {
            Instant end = period.getEndElement().getPrecision().add(period.getEnd(), 1).toInstant();
            return now.isBefore(end);
        }
        return true;
    }

    private static boolean active(Extension planNet) {
        Extension status = planNet.getExtensionByUrl("status");
        return status == null || !(status.getValue() instanceof CodeType code) || "active".equals(code.getValue());
    }

    private static Optional<String> state(Extension whereValid) {
        if (!(whereValid.getValue() instanceof CodeableConcept concept)) {
            return Optional.empty();
        }
        List<Coding> codings = concept.getCoding();
        for (Coding c : codings) {
            if (TaskCodes.USPS.equals(c.getSystem()) || c.getSystem() == null) {
                Optional<String> s = UsStates.of(c.getCode());
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return UsStates.of(concept.getText());
    }
}
