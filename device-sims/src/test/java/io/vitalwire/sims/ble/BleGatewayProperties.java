package io.vitalwire.sims.ble;

import io.vitalwire.testing.StackSettings;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

/**
 * The properties of a gateway under test that reads BLE devices from a simulated BlueZ, with retries quick enough for
 * faults to heal within seconds (services-resolved timeout 3 s, reconnect backoff 200 ms to 2 s, supervision every
 * 200 ms); a test adds or overrides what it is about.
 */
final class BleGatewayProperties {

    private BleGatewayProperties() {
    }

    /** @param allowList comma-separated addresses and serials */
    static Map<String, String> of(StackSettings stack, String gatewayId, Path dataDir, ZoneId deviceZone,
                                  String busAddress, String allowList) {
        Map<String, String> p = new HashMap<>();
        p.put("vitalwire.gateway.id", gatewayId);
        p.put("vitalwire.gateway.tenant", "e2e");
        p.put("vitalwire.gateway.data-dir", dataDir.toString());
        p.put("vitalwire.gateway.device-time-zone", deviceZone.getId());
        p.put("vitalwire.gateway.uplink.broker-url", stack.mqttUrl());
        p.put("vitalwire.gateway.ble.enabled", "true");
        p.put("vitalwire.gateway.ble.bus-address", busAddress);
        p.put("vitalwire.gateway.ble.allow-list", allowList);
        p.put("vitalwire.gateway.ble.services-resolved-timeout", "3s");
        p.put("vitalwire.gateway.ble.reconnect-backoff-min", "200ms");
        p.put("vitalwire.gateway.ble.reconnect-backoff-max", "2s");
        p.put("vitalwire.gateway.ble.supervise-interval", "200ms");
        return p;
    }
}
