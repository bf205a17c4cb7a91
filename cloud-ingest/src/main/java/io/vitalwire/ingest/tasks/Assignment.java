package io.vitalwire.ingest.tasks;

/**
 * Who owns a Task: a care-team member ({@code PractitionerRole/…} or {@code Practitioner/…}), or nobody and why.
 * Exactly one of the two is set.
 */
record Assignment(String owner, UnassignedReason reason) {

    static Assignment to(String owner) {
        return new Assignment(owner, null);
    }

    static Assignment nobody(UnassignedReason reason) {
        return new Assignment(null, reason);
    }
}
