package io.vitalwire.gateway.ble.bluez;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the installer's pairing page may ask of the BLE intake: look for devices, list the health devices nearby, and
 * bond with one. Bonding is all it does: whether the hub then serves the device is the cloud's allow-list's decision
 * (a paired device that no entry names is never connected to), so a page that pairs the wrong device harms nothing.
 */
public interface BlePairing {

    /** The adapter and devices as last seen. */
    BleState state();

    /** Keeps BlueZ discovering for {@code length} (at most the gateway's bound), so that devices nearby appear. */
    void scan(Duration length);

    /** The BLE health devices BlueZ knows of now (seen by a scan, paired, or allow-listed), as last published. */
    List<NearbyDevice> nearby();

    /**
     * Bonds with the device at {@code address}, with passkey entry of {@code passkey} (the 6 digits the device shows
     * or has printed on it), or "just works" when {@code passkey} is null; reported to the cloud as
     * {@code device-paired} once bonded. Completes when BlueZ has answered.
     */
    CompletableFuture<PairingOutcome> pair(String address, Integer passkey);
}
