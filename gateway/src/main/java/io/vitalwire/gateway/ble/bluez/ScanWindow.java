package io.vitalwire.gateway.ble.bluez;

import java.time.Instant;

/**
 * A discovery an installer asked for on the hub's pairing page: BlueZ keeps discovering until it closes, so that
 * devices that are not on the allow-list yet (the one being installed) appear and stay in BlueZ's tree. Loop thread
 * only.
 */
final class ScanWindow {

    private Instant until = Instant.MIN;

    /** Opens the window until {@code end}, or keeps it open longer if it already is. */
    void openUntil(Instant end) {
        if (end.isAfter(until)) {
            until = end;
        }
    }

    boolean isOpen(Instant now) {
        return now.isBefore(until);
    }

    /** When it closes; {@link Instant#MIN} if it never opened. */
    Instant until() {
        return until;
    }
}
