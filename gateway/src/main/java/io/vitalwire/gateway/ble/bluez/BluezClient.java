package io.vitalwire.gateway.ble.bluez;

import java.util.List;
import java.util.function.Consumer;

/**
 * The gateway's own small view of BlueZ: what it needs to find, connect and listen to health devices. Paths are
 * BlueZ object paths. Every call may throw a {@link BluezException} whose kind says how to recover; none retries on
 * its own. Calls block and must not be made from the listener.
 */
public interface BluezClient extends AutoCloseable {

    /**
     * Connects to the bus, subscribes to BlueZ's signals, then returns BlueZ's current objects, so that nothing
     * between the snapshot and the first event is missed (an object may be reported twice). Events then arrive at
     * the listener in bus order, from a D-Bus thread, until {@link #close()} or a {@link BluezEvent.BusLost}.
     */
    List<BluezObject> open(Consumer<BluezEvent> listener) throws BluezException;

    boolean isOpen();

    void startDiscovery(String adapterPath) throws BluezException;

    void stopDiscovery(String adapterPath) throws BluezException;

    /** Device1.Connect: returns once connected; services resolve later (ServicesResolved), or never. */
    void connect(String devicePath) throws BluezException;

    void disconnect(String devicePath) throws BluezException;

    /**
     * Device1.Pair through the registered agent, which answers BlueZ for this device only and as {@code bonding}
     * says (its passkey, or just works). A refused bonding is {@link BluezException.Kind#AUTHENTICATION_FAILED}.
     */
    void pair(String devicePath, Bonding bonding) throws BluezException;

    /**
     * Registers the gateway's pairing agent as the default agent (BlueZ's AgentManager1).
     *
     * @param capability {@code KeyboardOnly} (passkeys can be entered) or {@code NoInputNoOutput}
     */
    void registerAgent(String capability) throws BluezException;

    byte[] read(String characteristicPath) throws BluezException;

    /** A write with response: returns once the device acknowledged it. */
    void write(String characteristicPath, byte[] value) throws BluezException;

    /** Enables notifications or indications; values arrive as {@link BluezEvent.ValueChanged}. */
    void startNotify(String characteristicPath) throws BluezException;

    /** Asks BlueZ about a characteristic the gateway has not been told about yet. */
    BluezObject.Characteristic describeCharacteristic(String characteristicPath) throws BluezException;

    @Override
    void close();
}
