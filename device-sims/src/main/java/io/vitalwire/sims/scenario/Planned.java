package io.vitalwire.sims.scenario;

import io.vitalwire.sims.vitals.Vitals;
import java.time.Duration;

/**
 * One thing that happens to one device at one moment of a run, expanded from a scenario's steps.
 *
 * @param at     after the run's start
 * @param device the device's id in its scenario
 */
record Planned(Duration at, String device, Action action) {

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
}
