package io.vitalwire.gateway.ble.bluez;

/** Where the gateway is with one BlueZ device object. */
enum LinkState {
    /** Known to BlueZ, not (yet) connected by the gateway. */
    IDLE,
    /** Device1.Connect in progress. */
    CONNECTING,
    /** Connected, waiting for ServicesResolved until a deadline ("late or never"). */
    RESOLVING,
    /** Identity read, notifications and indications enabled: values flow into the buffer. */
    ACTIVE,
    /** Disconnected or failed; the next connect attempt is due at the link's retry time. */
    WAITING,
    /** Not one of this gateway's devices (its serial is not allow-listed): left alone. */
    DENIED
}
