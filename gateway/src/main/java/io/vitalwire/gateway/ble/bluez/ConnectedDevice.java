package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.DeviceIdentity;

/**
 * What the gateway learnt about a device when it set up the current connection; gone with the connection.
 *
 * @param identity          Device Information and the address: the readings' device identity
 * @param batteryPercent    Battery Level, if offered
 * @param clockOffsetMillis device clock minus gateway clock (after a clock write, the verified one), if known
 */
record ConnectedDevice(DeviceIdentity identity, Integer batteryPercent, Long clockOffsetMillis) {
}
