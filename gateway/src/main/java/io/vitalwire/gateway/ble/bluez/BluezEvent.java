package io.vitalwire.gateway.ble.bluez;

/**
 * What BlueZ reports while the gateway listens, in bus order. A {@code null} component of a change event means
 * "not part of this change".
 */
public sealed interface BluezEvent {

    /** InterfacesAdded of an adapter, device or characteristic. */
    record ObjectAdded(BluezObject object) implements BluezEvent {
    }

    /** InterfacesRemoved: the object at this path is gone; a handle to it is stale from now on. */
    record ObjectRemoved(String path) implements BluezEvent {
    }

    /** PropertiesChanged on org.bluez.Adapter1. */
    record AdapterChanged(String path, Boolean powered, Boolean discovering) implements BluezEvent {
    }

    /** PropertiesChanged on org.bluez.Device1. */
    record DeviceChanged(String path, Boolean connected, Boolean servicesResolved, Boolean paired)
            implements BluezEvent {
    }

    /** PropertiesChanged "Value" on org.bluez.GattCharacteristic1: a notification or indication. */
    record ValueChanged(String characteristicPath, byte[] value) implements BluezEvent {
    }

    /** The bus connection broke, or BlueZ left the bus: everything known about BlueZ's objects is void. */
    record BusLost(String reason) implements BluezEvent {
    }
}
