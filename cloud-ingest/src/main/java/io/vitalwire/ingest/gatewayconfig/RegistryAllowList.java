package io.vitalwire.ingest.gatewayconfig;

import io.vitalwire.contract.DeviceIdentity;
import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.contract.ReadingKey;
import io.vitalwire.ingest.installation.DeviceInstallations;
import io.vitalwire.ingest.installation.Hub;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hub's allow-list as the device registry has it: the devices {@code device_installation} names at the hub.
 * A device known by its BLE address ({@code bd.…}) becomes a BLE entry of that address (no bonding: a device that
 * needs a passkey needs the operator's own list); a device known by its serial ({@code sn.…}) is allowed as a CoAP
 * device, whose PSK file on the hub gives the serial to its identity. A BLE device whose readings carry a serial is
 * known by that serial, not by the address the hub must connect to: it too needs the operator's own list.
 */
@Singleton
public class RegistryAllowList {

    private final DeviceInstallations installations;

    public RegistryAllowList(DeviceInstallations installations) {
        this.installations = installations;
    }

    /**
     * @throws IllegalArgumentException when more devices are installed at the hub than a configuration may list
     */
    public GatewayConfig.Devices of(Hub hub) {
        List<String> ble = new ArrayList<>();
        List<String> coap = new ArrayList<>();
        for (String device : installations.devicesAt(hub)) {
            DeviceIdentity identity = ReadingKey.device(device);
            if (identity.address() != null) {
                ble.add(identity.address().toUpperCase(Locale.ROOT));
            } else {
                coap.add(device);
            }
        }
        return new GatewayConfig.Devices(ble, coap);
    }
}
