package io.vitalwire.sims.scenario;

import io.vitalwire.sims.vitals.Vitals;
import java.time.Duration;

/**
 * One thing that happens to one device (or the hub) at one moment of a run, expanded from a scenario's steps.
 *
 * @param at     after the run's start
 * @param device the device's id in its scenario; {@link #HUB} for the hub's own events
 */
record Planned(Duration at, String device, Action action) {

    /** The hub's events run in their own lane, so a device's next measurement never waits for a power cut's end. */
    static final String HUB = "(hub)";

    /** What happens. */
    sealed interface Action {
    }

    /** The device measures; {@code ago}: the measurement was taken that long before it is sent. */
    record Measure(Vitals vitals, boolean continuous, Integer user, Duration ago) implements Action {
    }

    /** A BLE device goes out of range for a while. */
    record GoAway(Duration away) implements Action {
    }

    /** The device's battery level changes. */
    record Battery(int level) implements Action {
    }

    /** An operator assigns the device to a scenario patient on the FHIR server. */
    record Assign(String patient) implements Action {
    }

    /** An operator replays the device's quarantined readings. */
    record Replay() implements Action {
    }

    /** The hub loses power: gateway killed, BLE adapter dark, for so long. */
    record PowerCut(Duration lasting) implements Action {
    }

    /** The hub's link to the broker is cut for so long. */
    record WifiLost(Duration lasting) implements Action {
    }
}
