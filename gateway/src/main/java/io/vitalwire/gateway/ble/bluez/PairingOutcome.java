package io.vitalwire.gateway.ble.bluez;

/** What became of a bonding the installer asked for. */
public enum PairingOutcome {
    /** Bonded now. */
    PAIRED,
    /** It was bonded already; nothing done. */
    ALREADY_PAIRED,
    /** The device (or BlueZ) refused: a wrong passkey, or the device is not in pairing mode. Fixable by the installer. */
    REJECTED,
    /** No health device at that address is known now (out of range, or no scan found it). */
    NOT_FOUND,
    /** BlueZ is not reachable, or failed otherwise: try again later. */
    FAILED
}
