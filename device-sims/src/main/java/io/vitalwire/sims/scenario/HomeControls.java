package io.vitalwire.sims.scenario;

import java.time.Duration;

/** What a scenario does to the home beyond its devices, and what an operator does: the demo's services do it. */
public interface HomeControls {

    /** The hub loses power for so long: its gateway killed (SIGKILL), its BLE adapter dark; both come back. */
    void powerCut(Duration lasting) throws Exception;

    /** The hub's link to the broker is cut for so long, then comes back. */
    void wifiLost(Duration lasting) throws Exception;

    /** An operator replays the device's quarantined readings (by serial). */
    void replayQuarantined(String serial) throws Exception;
}
