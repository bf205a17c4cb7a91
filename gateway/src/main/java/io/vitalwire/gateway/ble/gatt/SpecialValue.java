package io.vitalwire.gateway.ble.gatt;

/** The reserved values of IEEE 11073-20601 SFLOAT and FLOAT: never a number to forward or to alert on. */
public enum SpecialValue {
    NAN("NaN"),
    NRES("NRes"),
    POSITIVE_INFINITY("+INF"),
    NEGATIVE_INFINITY("-INF"),
    RESERVED("RFU");

    private final String label;

    SpecialValue(String label) {
        this.label = label;
    }

    /** The spelling used in decoded output: "NaN", "NRes", "+INF", "-INF", "RFU". */
    public String label() {
        return label;
    }
}
