package io.vitalwire.gateway.ble.bluez;

/** A call to BlueZ failed; {@link #kind()} decides what the caller does next. */
public final class BluezException extends Exception {

    /** Failure classes, each with its recovery. */
    public enum Kind {
        /** The bus connection is gone or BlueZ is not on the bus: reconnect to the bus with backoff, rebuild state. */
        BUS_LOST,
        /** The object path no longer exists (removed, adapter reset): forget it and wait for it to reappear. */
        OBJECT_GONE,
        /** The device requires an encrypted, bonded link for this: pair, then try again. */
        NOT_AUTHORIZED,
        /**
         * Bonding or the link's authentication failed (a wrong passkey, the device declined): it does not fix itself,
         * so the device is tried again only after the pairing backoff, and the failure is reported.
         */
        AUTHENTICATION_FAILED,
        /** BlueZ or the device refused or timed out: retry that device later with backoff. */
        FAILED
    }

    private final Kind kind;

    public BluezException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
