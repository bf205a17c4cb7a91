package io.vitalwire.gateway.intake;

/**
 * Whether a transport's measurements were just taken or come from a device's memory. It decides how early a filling
 * buffer refuses them: a stored record refused at capacity stays on the device and is fetched again later, a live
 * value usually cannot be asked for twice.
 */
public enum Provenance {
    /** Measured just now and sent at once: a CoAP pack, a BLE notification or indication. */
    LIVE,
    /** A record the device kept and hands over on request (BLE RACP: glucose records, stored spot-checks). */
    STORED
}
