package io.vitalwire.gateway.ble.bluez;

/**
 * The BLE adapter as the gateway last saw it.
 *
 * @param busConnected   connected to the bus with BlueZ on it
 * @param adapterPresent the configured adapter exists
 * @param devicesKnown   device objects BlueZ reports on the adapter
 * @param devicesActive  devices connected with notifications on
 */
public record BleState(boolean busConnected, boolean adapterPresent, boolean powered, boolean discovering,
                       int devicesKnown, int devicesActive) {

    static BleState initial() {
        return new BleState(false, false, false, false, 0, 0);
    }

    /** One word for status messages: {@code no-bus}, {@code no-adapter}, {@code off} or {@code powered}. */
    public String summary() {
        if (!busConnected) {
            return "no-bus";
        }
        if (!adapterPresent) {
            return "no-adapter";
        }
        return powered ? "powered" : "off";
    }
}
