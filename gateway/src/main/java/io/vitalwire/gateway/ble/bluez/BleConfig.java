package io.vitalwire.gateway.ble.bluez;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;
import java.util.List;

/** Bluetooth LE health devices through BlueZ over D-Bus ({@code vitalwire.gateway.ble.*}). */
@ConfigurationProperties("vitalwire.gateway.ble")
public interface BleConfig {

    /** Whether to use BlueZ at all. Default false: the gateway runs on machines without Bluetooth or D-Bus. */
    @Bindable(defaultValue = "false")
    boolean isEnabled();

    /**
     * D-Bus address of the bus BlueZ is on, e.g. {@code unix:path=/run/vw-test/bus}. Default empty: the system bus,
     * where bluetoothd lives on a hub.
     */
    @Bindable(defaultValue = "")
    String getBusAddress();

    /** The adapter to use, by its BlueZ name. Default {@code hci0}. */
    @Bindable(defaultValue = "hci0")
    String getAdapter();

    /**
     * The devices this gateway serves, one entry each: its identity (bonded) address, then optional space-separated
     * attributes {@code passkey=N} (bond with the passkey printed on the device before reading anything) or
     * {@code just-works} (bond unauthenticated when the device asks), {@code serial=S} (the Device Information serial
     * it must report; a device reporting another is refused) and {@code irk=H} (its Identity Resolving Key, 32 hex
     * digits, to recognise it under resolvable private addresses before it is bonded). E.g.
     * {@code C0:1D:00:00:00:02 passkey=123456 serial=BPC-0002}. The gateway never connects to, pairs with or reads
     * a device without an entry; a serial alone admits nothing (an entry without an address stops the gateway at
     * start-up). Default empty: no device.
     */
    @Bindable(defaultValue = "")
    List<String> getAllowList();

    /** How long to wait for ServicesResolved after a connect before disconnecting and retrying. Default 20s. */
    @Bindable(defaultValue = "20s")
    Duration getServicesResolvedTimeout();

    /** First delay before reconnecting to the bus or a device after a failure; doubles up to the max. Default 1s. */
    @Bindable(defaultValue = "1s")
    Duration getReconnectBackoffMin();

    /** Longest delay between reconnect attempts. Default 60s. */
    @Bindable(defaultValue = "60s")
    Duration getReconnectBackoffMax();

    /**
     * First wait after a failed bonding (a wrong passkey, the device declined) before that device is tried again;
     * doubles with each failure in a row (full jitter) up to the max. Longer than the reconnect backoff: a wrong
     * passkey does not fix itself, and some devices lock pairing out after repeated failures. Default 30s.
     */
    @Bindable(defaultValue = "30s")
    Duration getPairingBackoffMin();

    /** Longest wait between bonding attempts with one device. Default 1h. */
    @Bindable(defaultValue = "1h")
    Duration getPairingBackoffMax();

    /**
     * Whether the gateway may set a device's clock through Current Time (0x2A2B) when the device's clock is off by
     * more than 2 s. Even when true, the clock is written only while the gateway's own clock is synchronised
     * ({@code vitalwire.gateway.clock-sync}), then read back to verify. Default false: offsets are only measured and
     * taken off the device's timestamps.
     */
    @Bindable(defaultValue = "false")
    boolean isSetDeviceClock();

    /** How often timeouts, retries and the discovery policy are checked. Default 500ms. */
    @Bindable(defaultValue = "500ms")
    Duration getSuperviseInterval();
}
