package io.vitalwire.gateway.ble.bluez;

/**
 * Where the gateway is with one BlueZ device object. A closed set: a link changes state only through one of
 * {@link DeviceLink}'s guarded transitions, each allowed only from the states listed here, each reporting whether it
 * happened:
 *
 * <pre>
 * transition                 from                                          to
 * startConnecting            IDLE, WAITING                                 CONNECTING
 * awaitServices              CONNECTING                                    RESOLVING
 * awaitServicesAfterPairing  CONNECTING, RESOLVING, ACTIVE                 RESOLVING
 * activate                   RESOLVING                                     ACTIVE
 * deny                       RESOLVING                                     DENIED
 * retryLater                 IDLE, CONNECTING, RESOLVING, ACTIVE, WAITING  WAITING
 * pairingFailed              CONNECTING, RESOLVING, ACTIVE                 WAITING (after the pairing backoff)
 * gone                       any but GONE                                  GONE
 * </pre>
 */
enum LinkState {
    /** Known to BlueZ, not connected by the gateway yet: due for a first attempt if it is a candidate. */
    IDLE,
    /** Device1.Connect in progress. */
    CONNECTING,
    /** Connected, waiting for ServicesResolved until a deadline ("late or never"), or setting up. */
    RESOLVING,
    /** Identity read, notifications and indications enabled: values flow to the intake. */
    ACTIVE,
    /** Disconnected or failed; the next connect attempt is due at the link's retry time. */
    WAITING,
    /** Not to be served: it reported another serial than its allow-list entry's. Left alone until a restart. */
    DENIED,
    /** Its object path is gone (removed by BlueZ, bus lost): the link is dead; a re-added object gets a new link. */
    GONE
}
