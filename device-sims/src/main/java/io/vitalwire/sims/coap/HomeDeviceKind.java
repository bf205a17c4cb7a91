package io.vitalwire.sims.coap;

/** The kinds of Wi-Fi/Thread home devices the simulator can play. */
public enum HomeDeviceKind {
    BP_CUFF,
    THERMOMETER,
    SCALE,
    GLUCOSE_METER,
    PULSE_OXIMETER
}
