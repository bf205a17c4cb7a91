package io.vitalwire.sims.bluez;

/** Characteristic properties of the simulated GATT layouts, as bits; BlueZ shows them as the Flags strings. */
final class GattProperties {

    static final int READ = 1;
    static final int NOTIFY = 2;
    static final int INDICATE = 4;
    static final int WRITE = 8;

    private GattProperties() {
    }
}
