package io.vitalwire.ingest.operations;

/** The operations alerts' rules, as their ids appear in alerts, webhooks and Tasks ({@code Task.code}). */
enum OperationsRule {
    /** A gateway offline (its last will, its shutdown) or silent (no heartbeat) for longer than offline-after. */
    GATEWAY_OFFLINE("gateway-offline"),
    /** A device's battery at or below the warning or critical level. */
    DEVICE_BATTERY_LOW("device-battery-low"),
    /** A gateway's buffer refused readings (at capacity, or with its disk full): they are missing downstream. */
    BUFFER_GAP("buffer-gap");

    private final String id;

    OperationsRule(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }
}
