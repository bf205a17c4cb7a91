package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.contract.GatewayConfig;
import io.vitalwire.gateway.remote.ConfigCheck;
import jakarta.inject.Singleton;

/**
 * A configuration from the cloud is applied only if the BLE side can use every allow-list entry as it parses its
 * local ones ({@link AllowList}): the contract checks the entries' form, this their meaning. Whether or not BLE is
 * enabled, so that a hub whose BLE is switched on later never loads a list it cannot use.
 */
@Singleton
public class BleAllowListCheck implements ConfigCheck {

    @Override
    public void check(GatewayConfig config) {
        new AllowList(config.devices().ble());
    }
}
