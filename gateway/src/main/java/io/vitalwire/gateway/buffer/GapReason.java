package io.vitalwire.gateway.buffer;

/** Why the buffer refused the readings of a {@link Gap}: the gap event's {@code reason}. */
public enum GapReason {
    /** The buffer reached its configured share of {@code max-size} for the lane (see {@link Lane#refusedFrom()}). */
    CAPACITY("capacity"),
    /**
     * The filesystem had no room left for a commit (SQLite's {@code SQLITE_FULL}): whatever the configured size, no
     * reading of any lane can be taken until space returns.
     */
    DISK_FULL("disk-full");

    private final String label;

    GapReason(String label) {
        this.label = label;
    }

    /** As stored in the {@code gap} table and sent in the event's {@code reason}. */
    public String label() {
        return label;
    }

    static GapReason ofLabel(String label) {
        for (GapReason r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown gap reason " + label);
    }
}
