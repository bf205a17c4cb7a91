package io.vitalwire.gateway.ble.bluez;

import java.util.Set;

/** The 16-bit UUIDs of the Bluetooth SIG services and characteristics the gateway uses beyond the health ones. */
final class WellKnownUuids {

    static final int MANUFACTURER_NAME = 0x2A29;
    static final int MODEL_NUMBER = 0x2A24;
    static final int SERIAL_NUMBER = 0x2A25;
    static final int BATTERY_LEVEL = 0x2A19;
    static final int CURRENT_TIME = 0x2A2B;
    static final int RECORD_ACCESS_CONTROL_POINT = 0x2A52;
    static final int GLUCOSE_MEASUREMENT = 0x2A18;
    static final int PLX_SPOT_CHECK_MEASUREMENT = 0x2A5E;

    /** Heart Rate, Blood Pressure, Health Thermometer, Weight Scale, Glucose, Pulse Oximeter. */
    static final Set<Integer> HEALTH_SERVICES = Set.of(0x180D, 0x1810, 0x1809, 0x181D, 0x1808, 0x1822);

    private WellKnownUuids() {
    }
}
