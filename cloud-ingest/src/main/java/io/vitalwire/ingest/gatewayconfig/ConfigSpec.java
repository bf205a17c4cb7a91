package io.vitalwire.ingest.gatewayconfig;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vitalwire.contract.GatewayConfig;

/**
 * What an operator asks for a hub (the body of {@code PUT /admin/gateways/{gateway}/config}, kept as
 * {@code gateway_config.spec}): the settings as the contract has them, and the devices either given outright or,
 * when {@code devices} is absent, taken from the device registry — every device {@code device_installation} names at
 * this hub — and kept in step with it.
 *
 * @param devices   the allow-list as the operator gives it, or null: from the registry
 * @param ble       BLE settings, or null: the hub's local ones
 * @param coap      CoAP settings, or null: the hub's local ones
 * @param reporting reporting intervals, or null: the hub's local ones
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConfigSpec(GatewayConfig.Devices devices, GatewayConfig.BleSettings ble,
                         GatewayConfig.CoapSettings coap, GatewayConfig.Reporting reporting) {

    /** Whether the allow-list follows the device registry. */
    public boolean devicesFromRegistry() {
        return devices == null;
    }
}
