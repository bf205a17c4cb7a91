package io.vitalwire.gateway.ble.bluez;

import java.util.List;

/** One BlueZ object the gateway cares about, as it was when reported: the rest of the gateway never sees D-Bus. */
public sealed interface BluezObject {

    /** The D-Bus object path, e.g. {@code /org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF}. */
    String path();

    /** org.bluez.Adapter1. */
    record Adapter(String path, boolean powered, boolean discovering) implements BluezObject {
    }

    /**
     * org.bluez.Device1.
     *
     * @param serviceUuids16 the 16-bit service UUIDs the device advertises or offers (from {@code UUIDs})
     * @param name           what the device calls itself ({@code Alias}: its advertised name unless someone renamed
     *                       it), or null; shown to an installer choosing a device, never in a log
     */
    record Device(String path, String adapterPath, String address, boolean connected, boolean servicesResolved,
                  boolean paired, List<Integer> serviceUuids16, String name) implements BluezObject {

        public Device {
            serviceUuids16 = List.copyOf(serviceUuids16);
        }
    }

    /**
     * org.bluez.GattCharacteristic1.
     *
     * @param devicePath the device it belongs to (BlueZ nests GATT objects below their device)
     * @param uuid16     the 16-bit UUID, or -1 for a UUID outside the Bluetooth base range
     * @param notifies   its {@code Flags} offer notifications or indications (StartNotify would be refused
     *                   otherwise)
     */
    record Characteristic(String path, String devicePath, int uuid16, boolean notifies) implements BluezObject {
    }
}
